import { describeRun, runPipeline } from '../../pipeline/run-pipeline.ts';
import { snapshotV2RunKeys } from './account-records.ts';
import type { StepPhase } from '../../journal/journal-types.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { serviceFill } from '../../runner/service-spec.ts';
import { need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../../runner/world.ts';

/**
 * Lets the version complete one KPI run by its run protocol. A version with no run trigger (`none`)
 * has nothing to wait for: the step says so, and the checks that need a run say what they used instead.
 */
export function completeRun(world: DrillWorld, state: TestState, key: ServiceKey, phase: StepPhase, id = `${key}-run`): StepDefinition {
  const name = serviceName[key];
  const config = world.env[key].run;
  return {
    id,
    title: `Let ${name} complete a KPI run (${describeRun(config)})`,
    phase,
    async run(ctx) {
      // The keys this run must handle, for zero data loss before the rollback (a): snapshotted before it is asked for.
      if (key === 'v2' && phase === 'setup') {
        const keys = await snapshotV2RunKeys(world, state);
        if (keys !== undefined) ctx.record('sourceKeysToHandle', keys);
      }
      const run = await runPipeline(config, {
        service: need(state.running[key], name),
        dsn: need(state.databaseUrl, 'the drill database'),
        fill: serviceFill(world, state),
        signal: ctx.signal,
      });
      if (!run) {
        ctx.record('run', describeRun(config));
        return;
      }
      state.runs[key] = run;
      ctx.record('protocol', run.protocol);
      if (run.runId) ctx.record('runId', run.runId);
      ctx.record('runMs', run.durationMs);
      ctx.record('run', run.detail);
      if (run.output !== undefined) ctx.record('runEvidence', await state.evidence.write(`${id}-${phase}.txt`, run.output));
      if (!run.ok) throw new Error(run.error ?? `${name} run failed`);
      // The run's own metrics (its throughput: V2's baseline for the decision criteria) are in the series
      // even when the service is stopped before the next interval's scrape.
      await state.scrapers[key]?.at(-1)?.scrapeNow();
    },
  };
}
