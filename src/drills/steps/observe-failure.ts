import type { FailureConfig } from '../../config/schema.ts';
import { evaluate } from '../../criteria/evaluate.ts';
import type { Decision } from '../../criteria/decision-types.ts';
import type { Telemetry } from '../../criteria/telemetry-schema.ts';
import { observability } from '../../criteria/time-to-fire.ts';
import { runPipeline } from '../../pipeline/run-pipeline.ts';
import { serviceFill } from '../../runner/service-spec.ts';
import { formatMs } from '../../util/format.ts';
import { WaitTimeoutError, waitFor } from '../../util/wait-for.ts';
import type { StepContext, StepDefinition } from '../../runner/runner.ts';
import { need, type DrillWorld, type TestState } from '../../runner/world.ts';

export interface ObserveHooks {
  /** Starts V2 again as a service manager would; rejects when it does not come up. */
  restartV2(ctx: StepContext, attempt: number): Promise<void>;
  /** What the fault does on every tick (the crash loop's kill, the end of a database cut). */
  onTick(): Promise<void>;
  /** The observation is over: a fault that would stop the drill itself ends (a database cut lets connections in again). */
  onEnd(): Promise<void>;
}

/**
 * Keeps V2 busy and evaluates the decision criteria every interval until they call for the rollback.
 * A restart counts as one of V2's crash/restart cycles only when V2 had been running and exited: the
 * harness's own failed attempts to start it are not crashes. What the observation window is too short
 * to see is said, not passed over.
 */
export function observeFailure(world: DrillWorld, state: TestState, failure: FailureConfig, hooks: ObserveHooks): StepDefinition {
  return {
    id: 'observe-failure',
    title: 'Run V2 and evaluate the rollback decision criteria until they call for the rollback',
    phase: 'setup',
    async run(ctx) {
      const recorder = need(state.telemetry, "V2's telemetry");
      const injectedAt = need(state.facts.faultInjectedAt, 'the time the fault was injected');
      const { criteria, notTrigger } = world.env.decision;
      const overrides = { ...(criteria ? { criteria } : {}), ...(notTrigger ? { notTrigger } : {}) };
      const window = observability(failure.observeTimeoutMs, overrides);
      if (window.notObservable.length)
        ctx.record(
          'notObservable',
          window.notObservable.map((c) => `${c.id} (needs ≥ ${formatMs(c.needsMs)})`),
        );
      const busy = keepBusy(world, state, ctx.signal);
      state.harnessLatencyMs = () => busy.latencyMs();
      let crashes = 0;
      let restartAttempts = 0;
      let failedRestarts = 0;
      let restartsByTarget = 0;
      let wasRunning = true;
      let decision: Decision | undefined;
      // The telemetry the last decision was made on: the samples since the fault.
      let judged: Telemetry | undefined;
      try {
        const observed = await waitFor<Decision>(
          async () => {
            await hooks.onTick();
            const v2 = need(state.running.v2, 'V2');
            // A target that restarts V2 itself (a swarm's restart policy, a unit's Restart=): count its restarts, restart nothing.
            const byTarget = v2.restartCount ? await v2.restartCount() : undefined;
            for (; byTarget !== undefined && restartsByTarget < byTarget; restartsByTarget++) recorder.noteRestart();
            const running = await v2.isRunning();
            if (byTarget === undefined && !running && failure.restartOnExit) {
              if (wasRunning) {
                crashes++;
                recorder.noteRestart();
              }
              restartAttempts++;
              wasRunning = await hooks.restartV2(ctx, restartAttempts).then(
                () => true,
                () => (failedRestarts++, false),
              );
            } else {
              if (running) wasRunning = true;
              busy.tick();
            }
            const telemetry = recorder.telemetry();
            judged = { ...telemetry, samples: telemetry.samples.filter((s) => Date.parse(s.t) >= injectedAt) };
            decision = evaluate(judged, undefined, { overrides });
            return decision.decision === 'rollback' ? decision : undefined;
          },
          {
            what: 'the decision criteria did not call for a rollback: the injected fault was not detected',
            timeoutMs: failure.observeTimeoutMs,
            intervalMs: world.env.decision.intervalMs,
            signal: ctx.signal,
            lastSeen: () =>
              decision && judged
                ? describeNoDecision(
                    decision,
                    {
                      made: crashes + restartsByTarget,
                      counted: judged.samples.reduce((n, s) => n + (s.restarts ?? 0), 0),
                      from: judged.source?.fields['restarts'] ?? ['harness'],
                    },
                    window.notObservable.map((c) => c.id),
                  )
                : undefined,
          },
        ).catch((error: unknown) => {
          // Not detected within the window is a finding (the check failure-detected fails), not a broken step.
          if (error instanceof WaitTimeoutError) return error;
          throw error;
        });
        if (observed instanceof WaitTimeoutError) {
          ctx.record('notDetected', observed.message);
          await state.evidence.write('v2-telemetry-not-detected.json', JSON.stringify(recorder.telemetry(), null, 1));
          return;
        }
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
        ctx.record(
          'fired',
          observed.fired.map((f) => ({ id: f.id, title: f.title, value: f.value, threshold: f.threshold, firstHeldAt: f.firstHeldAt, firedAt: f.firedAt })),
        );
        ctx.record(
          'heldBack',
          observed.heldBack.map((h) => h.reason),
        );
        ctx.record('timeToDetectMs', timeToDetectMs);
        ctx.record('evidence', evidence);
      } finally {
        await hooks.onEnd();
        delete state.harnessLatencyMs;
        ctx.record('crashes', crashes);
        ctx.record('restartsByHarness', restartAttempts - failedRestarts);
        if (failedRestarts) ctx.record('failedRestarts', failedRestarts);
        if (restartsByTarget > 0) ctx.record('restartsByTarget', restartsByTarget);
        ctx.record('telemetrySamples', recorder.telemetry().samples.length);
        // Which source fed the samples the decision was made on (scrape, Prometheus, the harness), and Prometheus's errors.
        ctx.record('telemetrySource', recorder.source());
      }
    },
  };
}

/**
 * Why no decision was made, for the failed check. Restarts are the ones V2 made (seen by the harness or
 * its target) and, when another source feeds the field (Prometheus), how many of them the samples hold:
 * "4 restarts" beside a threshold of 3 would otherwise read as a broken criterion.
 */
export function describeNoDecision(decision: Decision, restarts: { made: number; counted: number; from: readonly string[] }, notObservable: string[]): string {
  const held = decision.heldBack.map((h) => h.reason);
  const clear = decision.evaluated.filter((e) => e.status === 'clear').length;
  const window = decision.to && decision.from ? Date.parse(decision.to) - Date.parse(decision.from) : 0;
  const counted = restarts.from.includes('harness') ? '' : ` (${restarts.counted} in the samples, counted from ${restarts.from.join(' and ')})`;
  return [
    `${decision.samples} samples, ${restarts.made} restarts${counted}, ${clear} criteria clear`,
    ...(held.length ? [`held back: ${held.slice(0, 3).join('; ')}`] : []),
    `telemetry window ${formatMs(window)}`,
    ...(notObservable.length ? [`too short for: ${notObservable.join(', ')}`] : []),
  ].join(', ');
}

/** Keeps V2 busy as its scheduler would: one run at a time, its start kept so a run that never ends shows as latency. */
function keepBusy(world: DrillWorld, state: TestState, signal: AbortSignal) {
  let inFlight: Promise<unknown> | undefined;
  let pendingSince: number | undefined;
  let lastDurationMs: number | undefined;
  return {
    tick(): void {
      const v2 = state.running.v2;
      // A scheduled version (watermark) is not asked to run: the harness waits for its next run, whose wait shows as latency.
      if (inFlight || !v2 || world.env.v2.run.kind === 'none') return;
      const startedAt = Date.now();
      pendingSince ??= startedAt;
      inFlight = runPipeline(world.env.v2.run, { service: v2, dsn: need(state.databaseUrl, 'the drill database'), fill: serviceFill(world, state), signal })
        .then((run) => {
          if (run?.ok) {
            lastDurationMs = Date.now() - startedAt;
            pendingSince = undefined;
          }
        })
        .catch(() => undefined)
        .finally(() => (inFlight = undefined));
    },
    /** End-to-end latency as the harness sees it: the age of the oldest work not yet done, else the last run's duration. */
    latencyMs(): number | undefined {
      return pendingSince !== undefined ? Date.now() - pendingSince : lastDurationMs;
    },
    settled: () => inFlight ?? Promise.resolve(),
  };
}
