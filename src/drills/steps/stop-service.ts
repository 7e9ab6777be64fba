import type { StepPhase } from '../../journal/journal-types.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../../runner/world.ts';

/** Runbook step 1: stop the version (grace period, then kill — recorded) and verify it is gone. */
export function stopService(world: DrillWorld, state: TestState, key: ServiceKey, phase: StepPhase = 'rollback', id = `stop-${key}`): StepDefinition {
  const name = serviceName[key];
  return {
    id,
    title: `Stop ${name} and verify it stopped`,
    phase,
    async run(ctx) {
      const running = need(state.running[key], name);
      const result = await running.stop({ graceMs: world.env[key].stopGraceMs });
      await Promise.all([...(state.scrapers[key] ?? []), ...(state.resources[key] ?? [])].map((s) => s.stop()));
      const resources = state.resources[key]?.at(-1)?.summary();
      if (resources) ctx.record('resources', resources);
      ctx.record('escalatedToKill', result.escalatedToKill);
      ctx.record('alreadyExited', result.alreadyExited);
      ctx.record('graceMs', result.graceMs);
      ctx.record('exit', result.exit);
      if (await running.isRunning()) throw new Error(`${name} is still running after stop (grace ${result.graceMs} ms, then kill)`);
    },
  };
}
