import type { RunConfig } from '../config/service-schema.ts';
import type { ExecResult } from '../targets/target.ts';
import type { RunContext, RunOutcome } from './run-types.ts';

type CommandRun = Extract<RunConfig, { kind: 'command' }>;

/**
 * A run is a command, run where the version runs (its folder, its container, its host over SSH, its
 * swarm task) with the version's environment: the runbook's `python3 /opt/abaco/test-kpi.py`.
 * Exit 0 = success; stdout and stderr are kept as evidence.
 */
export async function runCommand(config: CommandRun, ctx: RunContext): Promise<RunOutcome> {
  const result = await startCommand(config, ctx);
  const line = [config.command, ...config.args].join(' ');
  const output = `$ ${line}\n${result.stdout}${result.stderr ? `\n[stderr]\n${result.stderr}` : ''}`;
  const tail = lastLines(`${result.stdout}\n${result.stderr}`, 5);
  const why = result.startError
    ? `cannot be started: ${result.startError}`
    : result.timedOut
      ? `did not finish within ${config.timeoutMs} ms`
      : result.exitCode === 0
        ? undefined
        : `exited with ${result.exitCode === null ? `signal ${result.signal}` : `code ${result.exitCode}`}`;
  return {
    ok: why === undefined,
    status: why === undefined ? 'succeeded' : 'failed',
    detail: `${line} → ${why ?? 'exit 0'} in ${result.durationMs} ms`,
    output,
    ...(why ? { error: `${ctx.service.name}: run command ${line} ${why}${tail ? `:\n${tail}` : ''}` } : {}),
  };
}

export function startCommand(config: CommandRun, ctx: RunContext): Promise<ExecResult> {
  const env = Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, ctx.fill(v)]));
  return ctx.service.exec(ctx.fill(config.command), config.args.map(ctx.fill), { env, timeoutMs: config.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').filter(Boolean).slice(-count).join('\n');
}
