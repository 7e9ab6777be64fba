import type { RunConfig } from '../config/service-schema.ts';
import { newClient } from '../database/pg-session.ts';
import { errorMessage } from '../errors.ts';
import { runCommand, startCommand } from './run-command.ts';
import { runHttpAsync, triggerHttpAsync } from './run-http-async.ts';
import { runHttpSync, startHttpSync } from './run-http-sync.ts';
import { runWatermark } from './run-watermark.ts';
import type { PipelineRun, RunContext, RunOutcome } from './run-types.ts';

export type { PipelineRun, RunContext } from './run-types.ts';

/**
 * Asks the version for one KPI run and waits until it is over, by the protocol its config names.
 * Resolves with ok: false (and an error naming the version and the wait) for every failure of the
 * run; `none` has no run to ask for and resolves undefined.
 */
export async function runPipeline(config: RunConfig, ctx: RunContext): Promise<PipelineRun | undefined> {
  if (config.kind === 'none') return undefined;
  const startedAt = await databaseNow(ctx.dsn);
  const triggeredAt = Date.now();
  const outcome = await outcomeOf(config, ctx, startedAt).catch(
    (error: unknown): RunOutcome => ({ ok: false, status: 'failed', detail: `${config.kind} run`, error: `${ctx.service.name}: ${errorMessage(error)}` }),
  );
  return { protocol: config.kind, triggeredAt, startedAt, durationMs: Date.now() - triggeredAt, ...outcome };
}

function outcomeOf(config: Exclude<RunConfig, { kind: 'none' }>, ctx: RunContext, startedAt: string): Promise<RunOutcome> {
  switch (config.kind) {
    case 'http-async':
      return runHttpAsync(config, ctx);
    case 'http-sync':
      return runHttpSync(config, ctx);
    case 'command':
      return runCommand(config, ctx);
    case 'watermark':
      return runWatermark(config, ctx, startedAt);
  }
}

/**
 * Asks for a run without waiting for it, as a scheduler would (the dry-run keeps a faulty V2 busy).
 * A scheduled pipeline (`watermark`) and `none` run on their own. Never throws.
 */
export function kickRun(config: RunConfig, ctx: RunContext): void {
  const ignore = () => undefined;
  switch (config.kind) {
    case 'http-async':
      return void triggerHttpAsync(config, ctx).catch(ignore);
    case 'http-sync':
      return void startHttpSync(config, ctx).catch(ignore);
    case 'command':
      return void startCommand(config, ctx).catch(ignore);
    case 'watermark':
    case 'none':
      return;
  }
}

/** What the run protocol of a version is, in a few words, for titles and messages. */
export function describeRun(config: RunConfig): string {
  switch (config.kind) {
    case 'http-async':
      return `POST ${config.triggerPath}, then GET ${config.statusPath} until done`;
    case 'http-sync':
      return `${config.method} ${config.path}`;
    case 'command':
      return [config.command, ...config.args].join(' ');
    case 'watermark':
      return `the watermark ${config.query.replace(/\s+/g, ' ')} advancing`;
    case 'none':
      return `no run trigger (${config.reason})`;
  }
}

/** The database's clock, so a query's {{runStartedAt}} never depends on the harness's clock. */
export async function databaseNow(dsn: string): Promise<string> {
  const client = newClient({ connectionString: dsn, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ now: string }>(`select to_json(clock_timestamp()) #>> '{}' as now`);
    return rows[0]!.now;
  } finally {
    await client.end().catch(() => undefined);
  }
}
