import type { StepDefinition } from '../../runner/runner.ts';
import { need, serviceName, type ServiceKey, type TestState } from '../../runner/world.ts';

/** Runbook step 1, last part: keep the version's final log lines as evidence. */
export function captureLogs(state: TestState, key: ServiceKey, lines = 50): StepDefinition {
  const name = serviceName[key];
  return {
    id: `capture-${key}-logs`,
    title: `Capture ${name}'s final ${lines} log lines`,
    phase: 'rollback',
    async run(ctx) {
      const captured = need(state.running[key], name).logs(lines);
      const path = await state.evidence.write(`${key}-final-state.log`, `${captured.join('\n')}\n`);
      ctx.record('evidence', path);
      ctx.record('lines', captured.length);
    },
  };
}
