import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load-config.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import { selectEnvironment } from '../config/load-config.ts';
import { Redactor } from '../config/redact.ts';
import { openServer } from '../database/open-server.ts';
import { assertBlobInstalled, openBlob } from '../blob/open-blob.ts';
import type { BlobStorage } from '../blob/blob-storage.ts';
import type { PostgresServer } from '../database/postgres-server.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { renderChecklist } from '../report/checklist.ts';
import { writeAllureResults } from '../report/allure.ts';
import { renderJunit } from '../report/junit.ts';
import { writeSignoffArtifacts } from '../report/signoff-artifacts.ts';
import { formatMs } from '../util/format.ts';
import { openTarget } from '../targets/open-target.ts';
import type { TargetSession } from '../targets/target-session.ts';
import { createNotifier } from '../notifications/notifier.ts';
import { Evidence } from './evidence.ts';
import type { Journal, TestRecord } from './journal-types.ts';
import { copyToLatest, writeJournal, writeReportFile } from './journal-writer.ts';
import { newRunId } from './run-id.ts';
import { lockEnvironment } from './environment-lock.ts';
import { runTest, type DrillEvent } from './runner.ts';
import { preflight } from './preflight.ts';
import { runStatus } from './status.ts';
import { testIds, testPlans } from './tests/index.ts';
import type { DrillWorld } from './world.ts';

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
  const env = selectEnvironment(loaded.config, environmentName, options.targetOverride);
  const selected = selectTests(options.only);
  preflight(env, selected, env.target.kind);
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
    return await runLocked({ ...options, env, selected, redactor, reportDir, runId, runDir, startedAt, processEnv, onInfo });
  } finally {
    await lock.release();
  }
}

interface LockedRun extends RunDrillsOptions {
  env: EnvironmentConfig;
  selected: string[];
  redactor: Redactor;
  reportDir: string;
  runId: string;
  runDir: string;
  startedAt: string;
  processEnv: NodeJS.ProcessEnv;
  onInfo: (line: string) => void;
}

async function runLocked(options: LockedRun): Promise<RunDrillsResult> {
  const { loaded, environmentName, signal, processEnv, onEvent, onInfo, env, selected, redactor, reportDir, runId, runDir, startedAt } = options;
  await mkdir(runDir, { recursive: true });
  const tests: TestRecord[] = [];
  let database = 'not started';
  let runError: string | undefined;
  let server: PostgresServer | undefined;
  let blob: BlobStorage | undefined;
  let session: TargetSession | undefined;
  const warnings: string[] = [];
  try {
    session = await openTarget(env.target, { runId, runDir, env: processEnv });
    const { target } = session;
    onInfo(`drill ${runId}: environment ${environmentName} · target ${target.kind} (${target.description})${session.notice ? ` — ${session.notice}` : ''}`);
    await session.prepare?.({ progress: onInfo, signal });
    server = await openServer(env.database, processEnv, session.startEphemeralPostgres?.bind(session));
    redactor.addDsn(server.dsn);
    database = server.description;
    onInfo(`drill ${runId}: Postgres: ${database}`);
    if (env.blob) {
      blob = await openBlob(env.blob, { serviceHost: await session.serviceHost(), env: processEnv });
      for (const secret of blob.secrets) redactor.add(secret);
      onInfo(`drill ${runId}: blob storage: ${blob.description}`);
    }
    const notifier = createNotifier(env.notifications, { env: processEnv, redactor, baseDir: loaded.baseDir });
    const world: DrillWorld = { runId, runDir, environmentName, env, baseDir: loaded.baseDir, server, ...(blob ? { blob } : {}), target, redactor, processEnv, notifier };
    for (const id of selected) {
      if (signal.aborted) break;
      const evidence = new Evidence(runDir, id, redactor);
      tests.push(await runTest(testPlans[id]!(world, evidence), { signal, evidence, redactor, waivers: env.waive, ...(onEvent ? { onEvent } : {}) }));
    }
  } catch (error) {
    runError = redactor.redact(errorMessage(error));
    onInfo(`drill ${runId}: harness error: ${runError}`);
  } finally {
    await blob?.stop().catch((error: unknown) => (runError ??= `stopping blob storage failed: ${redactor.redact(errorMessage(error))}`));
    await server?.stop().catch((error: unknown) => (runError ??= `stopping Postgres failed: ${redactor.redact(errorMessage(error))}`));
    const closed = await session?.close().catch((error: unknown) => ({ leftovers: [], errors: [errorMessage(error)] }));
    if (closed?.leftovers.length) warnings.push(`removed at the end of the run, left by a test's cleanup: ${closed.leftovers.join(', ')}`);
    for (const error of closed?.errors ?? []) warnings.push(`closing the target: ${redactor.redact(error)}`);
  }

  const status = signal.aborted ? 'interrupted' : runError ? (tests.some((t) => t.status === 'failed') ? 'failed' : 'error') : runStatus(tests);
  const journal: Journal = {
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: environmentName,
    target: session?.target.kind ?? env.target.kind,
    ...(session ? { targetDescription: session.target.description } : {}),
    ...(session?.notice ? { targetNotice: session.notice } : {}),
    database,
    status,
    tests,
    ...(runError ? { error: runError } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  let latestDir: string;
  try {
    await writeJournal(runDir, journal, redactor);
    await writeReportFile(runDir, 'checklist.md', renderChecklist(journal), redactor);
    await writeReportFile(runDir, 'junit.xml', renderJunit(journal), redactor);
    // Large evidence (the database backup) stays in the run folder and is listed, not copied into allure-results.
    await writeAllureResults(journal, runDir, { redactor, maxAttachmentBytes: 1024 * 1024 });
    // report.html (+ report.pdf when Chromium is installed), history.jsonl, then manifest.sha256 last:
    // nothing may be written into the run folder after it, or `drill verify` reports the file as added.
    const signoff = await writeSignoffArtifacts({ runDir, reportDir, journal, redactor, pdf: env.report.pdf, historyRatio: env.report.regressionRatio });
    if (signoff.pdfSkipped) onInfo(`drill ${runId}: report.pdf not written: ${signoff.pdfSkipped}`);
    for (const t of signoff.regressions) {
      onInfo(`drill ${runId}: regression: ${t.id} rolled back in ${formatMs(t.current ?? 0)}, ${(((t.change ?? 1) - 1) * 100).toFixed(0)}% slower than the median ${formatMs(t.median ?? 0)} of its last ${t.baselineRuns} runs`);
    }
    latestDir = await copyToLatest(reportDir, runDir);
  } catch (error) {
    // The run is over and cleaned up; only its record is lost. Say how it ended, since no file will.
    const failed = tests.filter((t) => t.status !== 'passed').map((t) => `${t.id} ${t.status}`);
    const why = redactor.redact(errorMessage(error));
    const fix = why.includes('ENOSPC') ? 'free space there, or pass another --report-dir,' : 'pass a --report-dir it can write';
    throw new HarnessError(`the run ended ${status}${failed.length ? ` (${failed.join(', ')})` : ''}, but its results could not be written to ${runDir}: ${why} — ${fix} and run again`);
  }
  return { journal, runDir, latestDir };
}

function selectTests(only: string[] | undefined): string[] {
  if (!only || only.length === 0) return testIds;
  const unknown = only.filter((id) => !testIds.includes(id));
  if (unknown.length > 0) throw new HarnessError(`unknown test id '${unknown.join("', '")}' given by --only (known: ${testIds.join(', ')})`);
  return testIds.filter((id) => only.includes(id));
}
