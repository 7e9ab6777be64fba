import { resolve } from 'node:path';
import { readEnvFile } from '../src/config/env-file.ts';
import type { LoadedConfig } from '../src/config/load-config.ts';
import { Redactor } from '../src/config/redact.ts';
import { startEphemeralPostgres } from '../src/database/ephemeral-postgres.ts';
import { Evidence } from '../src/drill/evidence.ts';
import { runTest } from '../src/drill/runner.ts';
import { prepareDatabase } from '../src/drill/steps/prepare-database.ts';
import { runSetup } from '../src/drill/steps/run-setup.ts';
import { newTestState, type DrillWorld } from '../src/drill/world.ts';
import { serviceSpec } from '../src/drill/service-spec.ts';
import { waitHealthy } from '../src/targets/health.ts';
import { ProcessTarget } from '../src/targets/process-target.ts';
import { createNotifier } from '../src/notifications/notifier.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * V1's cold start alone — spawn to /health answering 200 — on a seeded database where V1 has
 * already applied its migrations once: the floor under any rollback's "start V1" + "healthy".
 */
export async function measureColdStarts(loaded: LoadedConfig, count: number): Promise<number[]> {
  const env = loaded.config.environments['staging']!;
  const server = await startEphemeralPostgres();
  const runDir = await mkdtemp(join(tmpdir(), 'drill-cold-'));
  const redactor = new Redactor();
  redactor.addDsn(server.dsn);
  const target = new ProcessTarget();
  const notifier = createNotifier({ webhooks: [] });
  const world: DrillWorld = { runId: 'bench', runDir, environmentName: 'staging', env, baseDir: loaded.baseDir, server, target, redactor, processEnv: process.env, notifier };
  const evidence = new Evidence(runDir, 'cold-start', redactor);
  const state = newTestState('cold-start', evidence);
  const times: number[] = [];
  try {
    const setup = await runTest(
      {
        id: 'cold-start',
        title: 'V1 cold start',
        steps: [prepareDatabase(world, state), runSetup(world, state), {
          id: 'measure', title: 'measure', phase: 'verify',
          async run(ctx) {
            if (env.v1.envFile) state.restoredEnv.v1 = await readEnvFile(resolve(loaded.baseDir, env.v1.envFile));
            // Round 0 applies V1's migrations and is not counted.
            for (let round = 0; round <= count; round++) {
              const { spec, closeLog } = await serviceSpec(world, state, 'v1');
              const started = Date.now();
              const service = await (await target.deploy(spec)).start();
              await waitHealthy(service, { path: env.v1.healthPath, timeoutMs: env.v1.healthTimeoutMs, signal: ctx.signal });
              if (round > 0) times.push(Date.now() - started);
              await service.stop({ graceMs: env.v1.stopGraceMs });
              await closeLog();
            }
          },
        }],
        checks: [],
      },
      { signal: new AbortController().signal, evidence, redactor },
    );
    if (setup.status !== 'passed') throw new Error(`cold-start measurement ${setup.status}: ${JSON.stringify(setup.steps.filter((s) => s.error))}`);
    return times;
  } finally {
    await server.stop();
    await rm(runDir, { recursive: true, force: true });
  }
}
