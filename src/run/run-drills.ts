import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load-config.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import { selectEnvironment } from '../config/load-config.ts';
import { Redactor } from '../redaction/redactor.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { writeManifest } from '../evidence/manifest.ts';
import { genericSection, signersItems } from '../journal/checklist.ts';
import { copyToLatest, writeJournal } from '../journal/journal-files.ts';
import type { ChecklistEntry, Journal, TestRecord } from '../journal/journal-types.ts';
import { runStatus } from '../journal/verdict.ts';
import { reporterRegistry, runReporters, type ReporterPlugin } from '../report/reporters.ts';
import type { DrillPlugin } from '../drills/drill-plugin.ts';
import { Evidence } from '../runner/evidence.ts';
import { lockEnvironment } from '../runner/environment-lock.ts';
import { preflight } from './preflight.ts';
import { RunResources } from './run-resources.ts';
import { assertBlobInstalled } from '../blob/open-blob.ts';
import { CleanupStack } from '../runner/cleanup-stack.ts';
import { seedTemplateOf } from '../runner/seed-template.ts';
import { runTest, type DrillEvent } from '../runner/runner.ts';
import { builtInRegistry, drillRegistry, type DrillEntry, type DrillRegistry } from '../drills/registry.ts';
import type { DrillWorld } from '../runner/world.ts';

export interface RunDrillsOptions {
  loaded: LoadedConfig;
  environmentName: string;
  targetOverride?: string;
  only?: string[];
  reportDir: string;
  signal: AbortSignal;
  processEnv?: NodeJS.ProcessEnv;
  onEvent?: (event: DrillEvent) => void;
  /** One-line notices: the first says which target and which Postgres are used. */
  onInfo?: (line: string) => void;
  redactor?: Redactor;
  /** The drills the run chooses from (the built-in four, and a config's `plugins.drills`). */
  drills?: DrillRegistry;
  /** Reporters a config adds (`plugins.reporters`); `report.reporters` chooses among them and the built-ins. */
  reporters?: readonly ReporterPlugin[];
}

export interface RunDrillsResult {
  journal: Journal;
  runDir: string;
  latestDir: string;
}

/**
 * One run: validate the selection, start (or reach) Postgres, run each selected test against a
 * fresh database, then write journal.json and checklist.md and copy the run to <reportDir>/latest.
 * Configuration problems throw HarnessError before anything starts; anything that breaks once
 * the run has begun is recorded in the journal, which is always written.
 */
export async function runDrills(options: RunDrillsOptions): Promise<RunDrillsResult> {
  const { loaded, environmentName, processEnv = process.env, onInfo = () => undefined } = options;
  const env = selectEnvironment(loaded.config, environmentName, options.targetOverride, loaded.plugins?.targets);
  const registry = options.drills ?? (loaded.plugins?.drills.length ? drillRegistry([...builtInRegistry.ids, ...loaded.plugins.drills] as DrillEntry[]) : builtInRegistry);
  const selected = selectTests(options.only, registry);
  preflight(env, selected, env.target.kind, registry);
  assertBlobInstalled(env.blob);
  const redactor = options.redactor ?? new Redactor();
  if (env.database.kind === 'dsn' && env.database.dsn) redactor.addDsn(env.database.dsn);
  if (processEnv['DRILL_DATABASE_URL']) redactor.addDsn(processEnv['DRILL_DATABASE_URL']);

  const reportDir = resolve(options.reportDir);
  const runId = newRunId();
  const runDir = join(reportDir, runId);
  const startedAt = new Date().toISOString();
  await mkdir(reportDir, { recursive: true });
  const lock = await lockEnvironment(reportDir, environmentName, { runId, startedAt, config: loaded.file });
  if (lock.replaced) onInfo(`drill ${runId}: took over the lock of run ${lock.replaced.runId} (pid ${lock.replaced.pid}), which ended without releasing it`);
  try {
    return await runLocked({ ...options, env, selected, registry, redactor, reportDir, runId, runDir, startedAt, processEnv, onInfo });
  } finally {
    await lock.release();
  }
}

interface LockedRun extends RunDrillsOptions {
  env: EnvironmentConfig;
  selected: string[];
  registry: DrillRegistry;
  redactor: Redactor;
  reportDir: string;
  runId: string;
  runDir: string;
  startedAt: string;
  processEnv: NodeJS.ProcessEnv;
  onInfo: (line: string) => void;
}

async function runLocked(options: LockedRun): Promise<RunDrillsResult> {
  const { loaded, environmentName, signal, processEnv, onEvent, onInfo, env, selected, redactor, reportDir, runId, runDir, startedAt, registry } = options;
  await mkdir(runDir, { recursive: true });
  const tests: TestRecord[] = [];
  let runError: string | undefined;
  const runEnd = new CleanupStack();
  const resources = new RunResources(env, {
    runId,
    runDir,
    baseDir: loaded.baseDir,
    processEnv,
    redactor,
    signal,
    info: onInfo,
    ...(loaded.plugins ? { plugins: loaded.plugins } : {}),
  });
  const warnings: string[] = [];
  try {
    const { session, server, blob, notifier } = await resources.open(environmentName);
    const world: DrillWorld = {
      runId,
      runDir,
      environmentName,
      env,
      baseDir: loaded.baseDir,
      server,
      ...(blob ? { blob } : {}),
      target: session.target,
      redactor,
      processEnv,
      notifier,
      seedTemplate: () => seedTemplate(),
      atRunEnd: (label, fn) => runEnd.defer(label, fn),
    };
    const seedTemplate = seedTemplateOf(world);
    try {
      for (const id of selected) {
        if (signal.aborted) break;
        const evidence = new Evidence(runDir, id, redactor);
        tests.push(await runTest(registry.get(id).plan(world, evidence), { signal, evidence, redactor, waivers: env.waive, ...(onEvent ? { onEvent } : {}) }));
      }
    } finally {
      for (const done of await runEnd.runAll()) if (done.status === 'error') warnings.push(`${done.label} failed: ${redactor.redact(done.error ?? '')}`);
    }
  } catch (error) {
    runError = redactor.redact(errorMessage(error));
    onInfo(`drill ${runId}: harness error: ${runError}`);
  } finally {
    const closed = await resources.close();
    runError ??= closed.error;
    warnings.push(...closed.warnings);
  }

  const status = signal.aborted ? 'interrupted' : runError ? (tests.some((t) => t.status === 'failed') ? 'failed' : 'error') : runStatus(tests);
  const session = resources.target;
  const journal: Journal = {
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: environmentName,
    target: session?.target.kind ?? env.target.kind,
    ...(session ? { targetDescription: session.target.description } : {}),
    ...(session?.notice ? { targetNotice: session.notice } : {}),
    database: resources.database,
    status,
    tests,
    ...(runError ? { error: runError } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    // Each drill fills its own section, from its own record: the checklist is derived from the drills, nothing hard-coded.
    checklist: [
      ...registry.drills.map((drill) =>
        fillSection(
          drill,
          tests.find((t) => t.id === drill.id),
        ),
      ),
      ...signersItems,
    ],
  };
  let latestDir: string;
  try {
    await writeJournal(runDir, journal, redactor);
    const reporters = reporterRegistry(options.reporters ?? loaded.plugins?.reporters ?? [], env.report.reporters);
    await runReporters(reporters, journal, { runDir, reportDir, redactor, settings: env.report, info: (line) => onInfo(`drill ${runId}: ${line}`), env: processEnv });
    // The seal, last: nothing may be written into the run folder after it, or `drill verify` reports the file as added.
    await writeManifest(runDir);
    latestDir = await copyToLatest(reportDir, runDir);
  } catch (error) {
    // The run is over and cleaned up; only its record is lost. Say how it ended, since no file will.
    const failed = tests.filter((t) => t.status !== 'passed').map((t) => `${t.id} ${t.status}`);
    const why = redactor.redact(errorMessage(error));
    const fix = why.includes('ENOSPC') ? 'free space there, or pass another --report-dir,' : 'pass a --report-dir it can write';
    throw new HarnessError(
      `the run ended ${status}${failed.length ? ` (${failed.join(', ')})` : ''}, but its results could not be written to ${runDir}: ${why} — ${fix} and run again`,
    );
  }
  return { journal, runDir, latestDir };
}

/** A drill's section of the checklist; a drill without one gets the generic section. */
function fillSection(drill: DrillPlugin, test: TestRecord | undefined): ChecklistEntry {
  return drill.checklist ? drill.checklist(test) : genericSection(drill.title, test);
}

function selectTests(only: string[] | undefined, registry: DrillRegistry): string[] {
  const ids = [...registry.ids];
  if (!only || only.length === 0) return ids;
  for (const id of only) registry.get(id, 'drill given by --only');
  return ids.filter((id) => only.includes(id));
}

/** Sortable and unique: 2026-11-25T17-55-03Z-3fa9c1. */
function newRunId(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replaceAll(':', '-')}Z-${randomBytes(3).toString('hex')}`;
}
