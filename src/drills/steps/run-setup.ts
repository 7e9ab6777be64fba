import { execa } from 'execa';
import type { CommandConfig } from '../../config/schema.ts';
import { HarnessError } from '../../errors.ts';
import { baseEnv } from '../../runner/service-env.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import type { StepPhase } from '../../journal/journal-types.ts';
import { fillPlaceholders, resolvePath, type DrillWorld, type TestState } from '../../runner/world.ts';

/** Runs the environment's setup commands (e.g. seed the source data) against the test database. */
export function runSetup(
  world: DrillWorld,
  state: TestState,
  commands: CommandConfig[] = world.env.setup,
  id = 'seed-source',
  title = 'Run the setup commands (seed the source data)',
  phase: StepPhase = 'setup',
): StepDefinition {
  return {
    id,
    title,
    phase,
    async run(ctx) {
      if (commands === world.env.setup && state.seededFrom) {
        // The database is a copy of the run's seeded template: data set D is already there.
        ctx.record('seededFrom', `the run's template ${state.seededFrom.name}, seeded once in ${state.seededFrom.seedMs} ms`);
        return;
      }
      const log = await state.evidence.lineWriter(`${id}.log`);
      try {
        for (const [index, command] of commands.entries()) {
          const fill = (v: string) => fillPlaceholders(v, state, world);
          const env = { ...baseEnv(world.processEnv), ...Object.fromEntries(Object.entries(command.env).map(([k, v]) => [k, fill(v)])) };
          const result = await execa(command.command, command.args.map(fill), {
            cwd: resolvePath(world, command.cwd ?? '.'),
            env,
            extendEnv: false,
            all: true,
            reject: false,
            timeout: command.timeoutMs,
            cancelSignal: ctx.signal,
            stdin: 'ignore',
          });
          for (const line of (result.all ?? '').split('\n')) if (line) log.writeLine(line);
          if (result.failed) {
            const why = result.timedOut ? `timed out after ${command.timeoutMs} ms` : `exit ${result.exitCode ?? result.signal}`;
            const tail = (result.all ?? '').split('\n').slice(-10).join('\n');
            throw new HarnessError(`setup command #${index + 1} (${command.command}) failed: ${why}${tail ? `\n${tail}` : ''}`);
          }
          ctx.record(`command${index + 1}`, { command: command.command, durationMs: result.durationMs });
        }
      } finally {
        await log.close();
      }
    },
  };
}
