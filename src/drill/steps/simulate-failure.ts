import { evaluate } from '../../criteria/evaluate.ts';
import type { Decision } from '../../criteria/decision-types.ts';
import { errorMessage } from '../../errors.ts';
import { waitHealthy } from '../../targets/health.ts';
import { formatMs } from '../../util/format.ts';
import { waitFor } from '../../util/wait-for.ts';
import type { StepContext, StepDefinition } from '../runner.ts';
import { runSetup } from './run-setup.ts';
import { deployService, startService } from './start-service.ts';
import { stopService } from './stop-service.ts';
import { need, type DrillWorld, type TestState } from '../world.ts';

/**
 * Test 1's "simulate failure condition": prepare the data the fault needs, restart V2 with the
 * configured fault, then keep V2 working — triggering runs, restarting it when it dies, as a
 * service manager would — until the decision criteria, evaluated over the telemetry the drill
 * records, call for the rollback. The fault must be detected, not assumed: if the criteria never
 * fire the test is inconclusive.
 */
export function simulateFailure(world: DrillWorld, state: TestState): StepDefinition[] {
  const failure = need(world.env.failure, 'the failure config (environments.<env>.failure)');
  const restart = deployService(world, state, 'v2', 'setup', {
    env: failure.env,
    id: 'restart-v2-with-fault',
    title: `Restart V2 with the fault ${Object.entries(failure.env).map(([k, v]) => `${k}=${v}`).join(' ')}`,
  });
  return [
    runSetup(world, state, failure.setup, 'prepare-failure-data', 'Prepare the data the simulated failure needs'),
    stopService(world, state, 'v2', 'setup', 'stop-v2-for-fault'),
    {
      ...restart,
      // The fault is injected the moment V2 is restarted with it: time-to-detect counts from here.
      async run(ctx) {
        state.facts.faultInjectedAt = Date.now();
        await restart.run(ctx);
      },
    },
    detectFailure(world, state),
  ];
}

function detectFailure(world: DrillWorld, state: TestState): StepDefinition {
  const failure = need(world.env.failure, 'the failure config');
  return {
    id: 'observe-failure',
    title: 'Run V2 and evaluate the rollback decision criteria until they call for the rollback',
    phase: 'setup',
    async run(ctx) {
      const recorder = need(state.telemetry, "V2's telemetry");
      const injectedAt = need(state.facts.faultInjectedAt, 'the time the fault was injected');
      const { criteria, notTrigger } = world.env.decision;
      let restarts = 0;
      let restartsByTarget = 0;
      let lastTrigger = 0;
      let decision: Decision | undefined;
      const observed = await waitFor(
        async () => {
          const v2 = need(state.running.v2, 'V2');
          // A target that restarts V2 itself (a swarm's restart policy, a unit's Restart=): count its restarts, restart nothing.
          const byTarget = v2.restartCount ? await v2.restartCount() : undefined;
          for (; byTarget !== undefined && restartsByTarget < byTarget; restartsByTarget++) recorder.noteRestart();
          if (byTarget === undefined && !(await v2.isRunning()) && failure.restartOnExit) {
            restarts++;
            recorder.noteRestart();
            await restartV2(world, state, ctx, restarts).catch(() => undefined); // a failed restart is one more crash to count
          } else if (Date.now() - lastTrigger > 1000) {
            lastTrigger = Date.now();
            await triggerRun(world, state); // keep V2 busy, as its scheduler would
          }
          const telemetry = recorder.telemetry();
          const since = telemetry.samples.filter((s) => Date.parse(s.t) >= injectedAt);
          decision = evaluate({ ...telemetry, samples: since }, undefined, { overrides: { ...(criteria ? { criteria } : {}), ...(notTrigger ? { notTrigger } : {}) } });
          return decision.decision === 'rollback' ? decision : undefined;
        },
        {
          what: 'the decision criteria did not call for a rollback: the injected fault was not detected',
          timeoutMs: failure.observeTimeoutMs,
          intervalMs: world.env.decision.intervalMs,
          signal: ctx.signal,
          lastSeen: () => (decision ? describeNoDecision(decision, restarts + restartsByTarget) : undefined),
        },
      );
      const first = observed.fired.reduce((a, b) => (Date.parse(b.firedAt) < Date.parse(a.firedAt) ? b : a));
      const timeToDetectMs = Date.parse(first.firedAt) - injectedAt;
      const evidence = await state.evidence.write('decision.json', JSON.stringify(observed, null, 1));
      await state.evidence.write('v2-telemetry-at-decision.json', JSON.stringify(recorder.telemetry(), null, 1));
      state.facts.decision = { decision: observed, timeToDetectMs, evidence };
      state.facts.failureObserved = observed.fired.map((f) => f.title).join('; ');
      // Read by the checklist: how the failure showed and how long after the fault it was called.
      ctx.record('observed', { how: `decision criteria fired: ${state.facts.failureObserved}` });
      ctx.record('detectedAfterMs', timeToDetectMs);
      ctx.record('decision', observed.decision);
      ctx.record('fired', observed.fired.map((f) => ({ id: f.id, title: f.title, value: f.value, threshold: f.threshold, firstHeldAt: f.firstHeldAt, firedAt: f.firedAt })));
      ctx.record('heldBack', observed.heldBack.map((h) => h.reason));
      ctx.record('timeToDetectMs', timeToDetectMs);
      ctx.record('restartsByHarness', restarts);
      if (restartsByTarget > 0) ctx.record('restartsByTarget', restartsByTarget);
      ctx.record('telemetrySamples', observed.samples);
      ctx.record('evidence', evidence);
    },
  };
}

async function restartV2(world: DrillWorld, state: TestState, ctx: StepContext, restart: number): Promise<void> {
  const failure = need(world.env.failure, 'the failure config');
  await startService(world, state, 'v2', 'setup', { env: failure.env, logName: `v2-restart-${restart}.log` }).run(ctx);
  await waitHealthy(need(state.running.v2, 'V2'), { path: world.env.v2.healthPath, timeoutMs: world.env.v2.healthTimeoutMs, signal: ctx.signal });
}

async function triggerRun(world: DrillWorld, state: TestState): Promise<void> {
  const v2 = need(state.running.v2, 'V2');
  await fetch(v2.baseUrl + world.env.v2.run.triggerPath, { method: 'POST', signal: AbortSignal.timeout(5000) })
    .then((r) => r.body?.cancel())
    .catch((error: unknown) => errorMessage(error));
}

function describeNoDecision(decision: Decision, restarts: number): string {
  const held = decision.heldBack.map((h) => h.reason);
  const clear = decision.evaluated.filter((e) => e.status === 'clear').length;
  return `${decision.samples} samples, ${restarts} restarts, ${clear} criteria clear${held.length ? `, held back: ${held.slice(0, 3).join('; ')}` : ''}; telemetry window ${formatMs(decision.to && decision.from ? Date.parse(decision.to) - Date.parse(decision.from) : 0)}`;
}
