import type { StepDefinition } from '../runner.ts';
import { triggerRun } from '../pipeline-run.ts';
import { need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../world.ts';
import type { StepPhase } from '../journal-types.ts';

/** Triggers a KPI run and waits until it has completed successfully. */
export function runPipeline(world: DrillWorld, state: TestState, key: ServiceKey, phase: StepPhase): StepDefinition {
  const name = serviceName[key];
  return {
    id: `${key}-run`,
    title: `Let ${name} complete a KPI run`,
    phase,
    async run(ctx) {
      const run = await triggerRun(need(state.running[key], name), world.env[key].run, ctx.signal);
      state.runs[key] = run;
      ctx.record('runId', run.runId);
      ctx.record('runMs', run.durationMs);
      if (run.status !== 'succeeded') throw new Error(`${name} run ${run.runId} ended ${run.status}: ${JSON.stringify(run.body['error'] ?? run.body)}`);
      // The run's own metrics (its throughput: V2's baseline for the decision criteria) are in the series
      // even when the service is stopped before the next interval's scrape.
      await state.scrapers[key]?.at(-1)?.scrapeNow();
    },
  };
}
