import { execa } from 'execa';
import { HarnessError } from '../../errors.ts';
import { baseEnv } from '../../runner/service-env.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { fillPlaceholders, resolvePath, type DrillWorld, type TestState } from '../../runner/world.ts';

/**
 * Records keep arriving while V2 is stopped and V1 is not yet up. The configured cutover command
 * inserts them in the background (so it does not lengthen the window it simulates); V1's
 * validation run waits for it, and the checks prove V1 processed every one of them.
 */
export function cutoverArrivals(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'cutover-arrivals',
    title: 'New source records arrive while V2 is down (cutover gap)',
    phase: 'rollback',
    async run(ctx) {
      const command = world.env.cutover;
      if (!command) return;
      const fill = (v: string) => fillPlaceholders(v, state, world);
      const env = { ...baseEnv(world.processEnv), ...Object.fromEntries(Object.entries(command.env).map(([k, v]) => [k, fill(v)])) };
      state.facts.cutoverRan = true;
      state.facts.cutover = execa(command.command, command.args.map(fill), {
        cwd: resolvePath(world, command.cwd ?? '.'),
        env,
        extendEnv: false,
        all: true,
        reject: false,
        timeout: command.timeoutMs,
        stdin: 'ignore',
      }).then(async (result) => {
        await state.evidence.write('cutover.log', result.all ?? '');
        if (result.failed)
          throw new HarnessError(`cutover command ${command.command} failed: exit ${result.exitCode ?? result.signal}\n${(result.all ?? '').split('\n').slice(-5).join('\n')}`);
      });
      // A rejection is reported by whichever step awaits it; never as an unhandled rejection.
      state.facts.cutover.catch(() => undefined);
      ctx.record('command', command.command);
    },
  };
}
