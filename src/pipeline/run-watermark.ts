import type { RunConfig } from '../config/service-schema.ts';
import { bindPlaceholders } from '../database/bind-placeholders.ts';
import { newClient } from '../database/pg-session.ts';
import { errorMessage } from '../errors.ts';
import { waitFor } from '../util/wait-for.ts';
import { snippet } from './json-path.ts';
import type { RunContext, RunOutcome } from './run-types.ts';

type WatermarkRun = Extract<RunConfig, { kind: 'watermark' }>;

/**
 * The version runs on its own schedule: the run is done when the watermark query's value advances
 * past what it was when the harness began to wait. The query may use {{runStartedAt}} (the database's
 * clock when the wait began), e.g. `select count(*) from etl.runs where started_at >= {{runStartedAt}}`,
 * so that only a run that STARTED after the wait counts (one already in flight may have missed data).
 */
export async function runWatermark(config: WatermarkRun, ctx: RunContext, startedAt: string): Promise<RunOutcome> {
  const query = bindPlaceholders(config.query, { runStartedAt: { value: startedAt, type: 'timestamptz' } }, 'run.query (watermark)');
  const client = newClient({ connectionString: ctx.dsn, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const read = async (): Promise<string | null> => {
      const { rows } = await client
        .query<{ w: unknown }>({ text: `select to_jsonb(w.v) #>> '{}' as w from (${query.text}) as w(v) limit 2`, values: query.values })
        .catch((error: unknown) => {
          throw new Error(`the watermark query failed (${snippet(config.query, 100)}): ${errorMessage(error)}`);
        });
      if (rows.length !== 1) throw new Error(`the watermark query must return exactly one row, it returned ${rows.length}`);
      return (rows[0]!.w as string | null) ?? null;
    };
    const before = await read();
    let now: string | null = before;
    let exit: string | undefined;
    void ctx.service.exited.then((e) => (exit = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.exitCode}`));
    await waitFor(
      async () => {
        if (exit) throw new Error(`${ctx.service.name} ${exit} while the harness waited for its scheduled run; last log lines:\n${ctx.service.logs(15).join('\n')}`);
        now = await read();
        return now !== null && now !== before ? true : undefined;
      },
      {
        what: 'the watermark did not advance',
        timeoutMs: config.timeoutMs,
        intervalMs: config.intervalMs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        lastSeen: () => `${snippet(config.query, 100)} → ${now ?? 'null'}, was ${before ?? 'null'}`,
      },
    );
    return { ok: true, status: 'succeeded', detail: `watermark ${before ?? 'null'} → ${now}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
