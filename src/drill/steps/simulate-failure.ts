import { probeHealth } from '../../targets/health.ts';
import { parsePrometheusText } from '../../telemetry/prometheus-text.ts';
import { waitFor } from '../../util/wait-for.ts';
import type { StepDefinition } from '../runner.ts';
import { runSetup } from './run-setup.ts';
import { deployService } from './start-service.ts';
import { stopService } from './stop-service.ts';
import { need, type DrillWorld, type TestState } from '../world.ts';

/**
 * Test 1's "simulate failure condition": prepare the data the fault needs, restart V2 with the
 * configured fault, then trigger a run and watch — through the process, /health and /metrics —
 * until the failure shows. A fault that never shows makes the test inconclusive, not passed.
 */
export function simulateFailure(world: DrillWorld, state: TestState): StepDefinition[] {
  const failure = need(world.env.failure, 'the failure config (environments.<env>.failure)');
  return [
    runSetup(world, state, failure.setup, 'prepare-failure-data', 'Prepare the data the simulated failure needs'),
    stopService(world, state, 'v2', 'setup', 'stop-v2-for-fault'),
    deployService(world, state, 'v2', 'setup', {
      env: failure.env,
      id: 'restart-v2-with-fault',
      title: `Restart V2 with the fault ${Object.entries(failure.env).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    }),
    observeFailure(world, state, failure.observeTimeoutMs),
  ];
}

function observeFailure(world: DrillWorld, state: TestState, timeoutMs: number): StepDefinition {
  return {
    id: 'observe-failure',
    title: 'Trigger a V2 run and observe the failure through the process, /health and /metrics',
    phase: 'setup',
    async run(ctx) {
      const v2 = need(state.running.v2, 'V2');
      const config = world.env.v2;
      const started = Date.now();
      const trigger = await fetch(v2.baseUrl + config.run.triggerPath, { method: 'POST', signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      const runId = ((await trigger?.json().catch(() => ({}))) as { runId?: string } | undefined)?.runId;
      let exited = false;
      void v2.exited.then(() => (exited = true));
      const observed = await waitFor(
        async () => {
          if (exited) return { how: 'V2 process exited', exit: await v2.exited };
          if (runId) {
            const status = await fetch(v2.baseUrl + config.run.statusPath.replace('{runId}', runId), { signal: AbortSignal.timeout(5000) })
              .then((r) => r.json() as Promise<{ status?: string; error?: string }>)
              .catch(() => undefined);
            if (status?.status === 'failed') return { how: `V2 run ${runId} failed`, error: status.error };
          }
          const health = await probeHealth(v2.baseUrl + config.healthPath);
          if (!health.ok) return { how: `V2 health ${health.seen}` };
          if (config.metricsPath) {
            const text = await fetch(v2.baseUrl + config.metricsPath, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).catch(() => '');
            const errors = parsePrometheusText(text).filter((m) => /errors?_total$/.test(m.name)).reduce((n, m) => n + m.value, 0);
            if (errors > 0) return { how: `V2 /metrics reports ${errors} errors` };
          }
          return undefined;
        },
        { what: 'the simulated V2 failure did not show', timeoutMs, intervalMs: 100, signal: ctx.signal },
      );
      ctx.record('observed', observed);
      ctx.record('detectedAfterMs', Date.now() - started);
      state.facts.failureObserved = observed.how;
    },
  };
}
