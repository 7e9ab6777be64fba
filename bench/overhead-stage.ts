import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openBlob } from '../src/blob/open-blob.ts';
import { readEnvFile } from '../src/config/env-file.ts';
import type { LoadedConfig } from '../src/config/load-config.ts';
import { selectEnvironment } from '../src/config/load-config.ts';
import { Redactor } from '../src/redaction/redactor.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from '../src/database/ephemeral-postgres.ts';
import { newClient } from '../src/database/pg-session.ts';
import { CleanupStack } from '../src/runner/cleanup-stack.ts';
import { Evidence } from '../src/runner/evidence.ts';
import { runPipeline } from '../src/pipeline/run-pipeline.ts';
import type { StepContext } from '../src/runner/runner.ts';
import { serviceSpec } from '../src/runner/service-spec.ts';
import { runSetup } from '../src/drills/steps/run-setup.ts';
import { need, newTestState, type DrillWorld, type ServiceKey, type TestState } from '../src/runner/world.ts';
import { createNotifier } from '../src/notifications/notifier.ts';
import { waitHealthy } from '../src/pipeline/health-check.ts';
import { ProcessTarget } from '../src/targets/process/process-target.ts';
import type { Deployment, StartedDeployment } from '../src/targets/target.ts';

/**
 * The state the rollback-time drill stops V2 in, rebuilt without the drill so the bare service
 * operations can be timed on it: the staging data set seeded and processed by V2 once into a
 * template database; each round gets a copy of it (V1 has never migrated it, as in the drill), a
 * V2 that has just completed a run on it, and V1 deployed with its restored environment, not started.
 */
export interface Stage {
  round(): Promise<StageRound>;
  /**
   * The KPI outputs (`metrics/` folders) of complete runs of both versions on the same data: V2's
   * run that made the template, and one V1 run on a copy of the seeded database (a first run there,
   * so complete, not an increment after V2's). Copied under `into`: the stage's folder goes when it closes.
   */
  referenceOutputs(into: string): Promise<{ v1: string; v2: string }>;
  close(): Promise<void>;
}

export interface StageRound {
  v2: StartedDeployment;
  v1: Deployment;
  /** The health path of V1 (its base URL is known once started). */
  v1HealthPath: string;
  /** V2's grace period, as the drill's stop uses it. */
  v2GraceMs: number;
  /** Stops whatever still runs, drops the round's database. */
  close(): Promise<void>;
}

const template = 'bench_stage_template';
const seededOnly = 'bench_stage_seeded';

export async function openStage(loaded: LoadedConfig): Promise<Stage> {
  const env = selectEnvironment(loaded.config, 'staging', 'process');
  const runDir = await mkdtemp(join(tmpdir(), 'drill-bench-stage-'));
  const cleanup = new CleanupStack();
  cleanup.defer('remove the stage folder', () => rm(runDir, { recursive: true, force: true }));
  try {
    const pg: EphemeralPostgres = await startEphemeralPostgres();
    cleanup.defer('stop Postgres', () => pg.stop());
    const redactor = new Redactor();
    redactor.addDsn(pg.dsn);
    // The pipelines publish to blob storage when the environment has it, as in the drill.
    const blob = env.blob ? await openBlob(env.blob, { serviceHost: '127.0.0.1', env: process.env }) : undefined;
    if (blob) {
      cleanup.defer('stop blob storage', () => blob.stop());
      for (const secret of blob.secrets) redactor.add(secret);
    }
    const world: DrillWorld = {
      runId: 'bench-stage',
      runDir,
      environmentName: 'staging',
      env,
      baseDir: loaded.baseDir,
      server: pg,
      ...(blob ? { blob } : {}),
      target: new ProcessTarget(),
      redactor,
      processEnv: process.env,
      notifier: createNotifier({ channels: [] }),
      // The stage seeds its own template below: each test of the bench seeds as the drill's setup says.
      seedTemplate: async () => undefined,
      atRunEnd: (label, fn) => cleanup.defer(label, fn),
    };
    const withBlob = async (state: TestState, stack: CleanupStack) => {
      if (!blob) return;
      const container = await blob.containerFor(state.testId);
      state.blob = container;
      stack.defer(`remove blob container ${container.name}`, () => container.dispose());
    };
    const v1Env = env.v1.envFile ? await readEnvFile(resolve(loaded.baseDir, env.v1.envFile)) : undefined;

    // The template: seeded by the configured setup, then one complete V2 run, V2 stopped (a template must be
    // idle). Beside it, unmeasured setup too: one complete V1 run on a copy of the seeded data (figure 3's outputs).
    const seed = newTestState('template', new Evidence(runDir, 'template', redactor));
    seed.databaseUrl = await pg.createDatabase(template);
    seed.outputDir = await seed.evidence.folder('outputs');
    await withBlob(seed, cleanup);
    await withContext(seed.evidence, (ctx) => runSetup(world, seed).run(ctx));
    const reference = newTestState('reference-v1', new Evidence(runDir, 'reference-v1', redactor));
    reference.databaseUrl = await copyDatabase(pg.dsn, template, seededOnly);
    reference.outputDir = await reference.evidence.folder('outputs');
    if (v1Env) reference.restoredEnv.v1 = v1Env;
    await withBlob(reference, cleanup);
    await Promise.all([completeRun(world, seed, 'v2'), completeRun(world, reference, 'v1')]);

    let count = 0;
    return {
      async round() {
        const name = `bench_stage_round_${++count}`;
        const state = newTestState(`round-${count}`, new Evidence(runDir, `round-${count}`, redactor));
        state.databaseUrl = await copyDatabase(pg.dsn, template, name);
        state.outputDir = await state.evidence.folder('outputs');
        if (v1Env) state.restoredEnv.v1 = v1Env;
        const round = new CleanupStack();
        round.defer(`drop ${name}`, () => pg.dropDatabase(name));
        try {
          await withBlob(state, round);
          const v2 = await startHealthy(world, state, 'v2');
          round.defer('close the V2 log', v2.closeLog);
          round.defer('stop V2', () => v2.service[Symbol.asyncDispose]());
          await runOnce(world, state, v2.service);
          const v1 = await serviceSpec(world, state, 'v1');
          round.defer('close the V1 log', v1.closeLog);
          return {
            v2: v2.service,
            v1: await world.target.deploy(v1.spec),
            v1HealthPath: env.v1.health.kind === 'http' ? env.v1.health.path : '/health',
            v2GraceMs: env.v2.stopGraceMs,
            close: () => closeAll(round),
          };
        } catch (error) {
          await closeAll(round).catch(() => undefined); // the first failure is the one to report
          throw error;
        }
      },
      async referenceOutputs(into) {
        const copies = { v1: join(into, 'v1'), v2: join(into, 'v2') };
        await cp(join(need(reference.outputDir, 'the V1 outputs'), 'metrics'), copies.v1, { recursive: true, preserveTimestamps: true });
        await cp(join(need(seed.outputDir, 'the V2 outputs'), 'metrics'), copies.v2, { recursive: true, preserveTimestamps: true });
        return copies;
      },
      close: () => closeAll(cleanup),
    };
  } catch (error) {
    await closeAll(cleanup).catch(() => undefined); // the first failure is the one to report
    throw error;
  }
}

/** A new database with the content of `from` (idle), in a few hundred milliseconds instead of a reseed. */
async function copyDatabase(serverDsn: string, from: string, name: string): Promise<string> {
  const client = newClient({ connectionString: serverDsn });
  await client.connect();
  try {
    await client.query(`create database "${name}" template "${from}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverDsn);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startHealthy(world: DrillWorld, state: TestState, key: ServiceKey): Promise<{ service: StartedDeployment; closeLog: () => Promise<void> }> {
  const { spec, closeLog } = await serviceSpec(world, state, key);
  const service = await (await world.target.deploy(spec)).start();
  try {
    await waitHealthy(service, world.env[key].health, { timeoutMs: world.env[key].healthTimeoutMs });
  } catch (error) {
    await service[Symbol.asyncDispose]();
    await closeLog();
    throw error;
  }
  return { service, closeLog };
}

/** Starts the version, lets it complete one run, stops it. */
async function completeRun(world: DrillWorld, state: TestState, key: ServiceKey): Promise<void> {
  const started = await startHealthy(world, state, key);
  try {
    await runOnce(world, state, started.service, key);
  } finally {
    await started.service.stop({ graceMs: world.env[key].stopGraceMs });
    await started.closeLog();
  }
}

async function runOnce(world: DrillWorld, state: TestState, service: StartedDeployment, key: ServiceKey = 'v2'): Promise<void> {
  const run = await runPipeline(world.env[key].run, { service, dsn: need(state.databaseUrl, 'the bench database'), fill: (v) => v });
  if (!run?.ok) throw new Error(`bench stage: ${service.name} run failed: ${run?.error ?? 'no run trigger'}`);
}

async function withContext(evidence: Evidence, fn: (ctx: StepContext) => Promise<void>): Promise<void> {
  const cleanup = new CleanupStack();
  try {
    await fn({ signal: new AbortController().signal, evidence, defer: (label, f) => cleanup.defer(label, f), record: () => undefined });
  } finally {
    await closeAll(cleanup);
  }
}

async function closeAll(stack: CleanupStack): Promise<void> {
  const failed = (await stack.runAll()).filter((r) => r.status === 'error');
  if (failed.length > 0) throw new Error(`bench cleanup failed: ${failed.map((f) => `${f.label}: ${f.error}`).join('; ')}`);
}
