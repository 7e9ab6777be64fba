import { cutConnections } from '../../database/connection-cut.ts';
import { newClient } from '../../database/pg-session.ts';
import type { FailureConfig } from '../../config/schema.ts';
import { probe, waitHealthy } from '../../pipeline/health-check.ts';
import { errorMessage } from '../../errors.ts';
import type { StepContext, StepDefinition } from '../../runner/runner.ts';
import { serviceFill } from '../../runner/service-spec.ts';
import { need, type DrillWorld, type TestState } from '../../runner/world.ts';
import { observeFailure } from './observe-failure.ts';
import { runSetup } from './run-setup.ts';
import { deployService, startService } from './start-service.ts';
import { stopService } from './stop-service.ts';

/**
 * Test 1's "simulate failure condition": prepare the data the fault needs, inject the fault — V2's own
 * switch (restart it with extra environment) or one the harness causes from outside (a crash loop, a
 * hang, a database cut, the user's SQL) — then keep V2 working as its scheduler would until the
 * decision criteria, evaluated over the telemetry the drill records, call for the rollback. The fault
 * must be detected, not assumed: if the criteria never fire, the check `failure-detected` fails.
 */
export function simulateFailure(world: DrillWorld, state: TestState, failure: FailureConfig): StepDefinition[] {
  return [
    runSetup(world, state, failure.setup, 'prepare-failure-data', 'Prepare the data the simulated failure needs'),
    ...injectFault(world, state, failure),
    observeFailure(world, state, failure, {
      restartV2: (ctx, n) => restartV2(world, state, failure, ctx, n),
      onTick: faultTick(world, state, failure),
      // The decision is made: the backup and the rollback need the database the cut took away.
      onEnd: async () => {
        await state.facts.endFault?.();
        delete state.facts.faultEndsAt;
      },
    }),
  ];
}

/** The fault's own steps; each stamps the moment the fault was injected (time-to-detect counts from there). */
function injectFault(world: DrillWorld, state: TestState, failure: FailureConfig): StepDefinition[] {
  const injected = (ctx: StepContext, how: string) => {
    state.facts.faultInjectedAt = Date.now();
    ctx.record('fault', how);
  };
  switch (failure.kind) {
    case 'env': {
      const switches = Object.entries(failure.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const restart = deployService(world, state, 'v2', 'setup', { env: failure.env, id: 'restart-v2-with-fault', title: `Restart V2 with the fault ${switches}` });
      return [
        stopService(world, state, 'v2', 'setup', 'stop-v2-for-fault'),
        {
          ...restart,
          async run(ctx) {
            injected(ctx, `V2 restarted with ${switches}`);
            await restart.run(ctx);
          },
        },
      ];
    }
    case 'crash-loop':
      return [
        {
          id: 'inject-fault',
          title: 'Inject a crash loop: the harness kills V2 (SIGKILL) each time it becomes healthy',
          phase: 'setup',
          async run(ctx) {
            injected(ctx, 'crash loop: V2 killed each time it is healthy');
            await need(state.running.v2, 'V2').kill();
          },
        },
      ];
    case 'hang':
      return [
        {
          id: 'inject-fault',
          title: 'Inject a hang: the harness freezes V2 (SIGSTOP, docker pause, the unit frozen)',
          phase: 'setup',
          async run(ctx) {
            const v2 = need(state.running.v2, 'V2');
            // A run asked for before the freeze is caught in it, as a real hang catches work in flight.
            injected(ctx, 'hang: V2 frozen');
            await v2.pause();
            ctx.defer('thaw V2', () => v2.resume());
          },
        },
      ];
    case 'database-cut':
      return [
        {
          id: 'inject-fault',
          title: `Inject a database cut: V2's sessions ended, new connections refused for ${failure.durationMs / 1000} s`,
          phase: 'setup',
          async run(ctx) {
            const database = need(state.databaseName, 'the drill database name');
            const cut = await cutConnections(world.server.dsn, database);
            injected(ctx, `database cut: ${cut.ended} session(s) ended, connections to ${database} refused for ${failure.durationMs} ms`);
            ctx.defer(`let connections into ${database} again`, cut.restore);
            state.facts.faultEndsAt = Date.now() + failure.durationMs;
            state.facts.endFault = cut.restore;
            ctx.record('sessionsEnded', cut.ended);
          },
        },
      ];
    case 'sql':
      return [
        {
          id: 'inject-fault',
          title: `Inject the configured SQL fault (${failure.statements.length} statement${failure.statements.length === 1 ? '' : 's'})`,
          phase: 'setup',
          async run(ctx) {
            const client = newClient({ connectionString: need(state.databaseUrl, 'the drill database') });
            await client.connect();
            try {
              for (const [index, statement] of failure.statements.entries()) {
                await client.query(statement).catch((error: unknown) => {
                  throw new Error(`failure.statements[${index}] failed: ${errorMessage(error)}`);
                });
              }
            } finally {
              await client.end();
            }
            injected(ctx, `${failure.statements.length} SQL statement(s) run on the drill database`);
          },
        },
      ];
  }
}

/**
 * What the harness does to V2 on each tick of the observation, beyond keeping it busy: a crash loop kills
 * it again the moment it is healthy; a database cut ends when its duration is over.
 */
function faultTick(world: DrillWorld, state: TestState, failure: FailureConfig): () => Promise<void> {
  return async () => {
    if (failure.kind === 'crash-loop') {
      const v2 = state.running.v2;
      if (v2 && (await v2.isRunning()) && (await probe(v2, world.env.v2.health, serviceFill(world, state))).ok) await v2.kill();
    }
    if (failure.kind === 'database-cut' && state.facts.faultEndsAt && Date.now() >= state.facts.faultEndsAt) {
      await state.facts.endFault?.();
      delete state.facts.faultEndsAt;
    }
  };
}

/** Starts V2 again as a service manager would; with the fault switch for an `env` fault. */
async function restartV2(world: DrillWorld, state: TestState, failure: FailureConfig, ctx: StepContext, restart: number): Promise<void> {
  await startService(world, state, 'v2', 'setup', { ...(failure.kind === 'env' ? { env: failure.env } : {}), logName: `v2-restart-${restart}.log` }).run(ctx);
  await waitHealthy(need(state.running.v2, 'V2'), world.env.v2.health, { timeoutMs: world.env.v2.healthTimeoutMs, signal: ctx.signal, fill: serviceFill(world, state) });
}
