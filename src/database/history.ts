import { z } from 'zod';
import { HarnessError, errorMessage } from '../errors.ts';
import { diffHistoryRows, nullText, valueText, type ChangedRow, type HistoryRow } from './history-diff.ts';
import { quoteIdent } from './identifiers.ts';
import { redactedFor, withSession, type Queryable } from './pg-session.ts';
import { subquery } from './subquery.ts';
import { bindPlaceholders } from './bind-placeholders.ts';

export type { ChangedRow, HistoryRow } from './history-diff.ts';

export const historySchema = z
  .strictObject({
    query: z.string().trim().min(1, 'the history query cannot be empty').describe('The KPI history, e.g. `select as_of, segment, kpi, value from abaco.kpi_metrics`.'),
    periodColumn: z.string().min(1).describe("A date, timestamp, text or integer column; periods are named by its JSON text ('2024-01-31')."),
    keyColumns: z.array(z.string().min(1)).min(1, 'name at least one key column').describe('Together unique per row; they name changed rows in the comparison.'),
    mayChange: z
      .discriminatedUnion('kind', [
        z
          .strictObject({ kind: z.literal('latest'), count: z.number().int().min(0).default(1).describe('How many of the latest periods.') })
          .describe("The latest `count` periods (in the period column's own order: dates as dates, numbers as numbers)."),
        z
          .strictObject({ kind: z.literal('from'), expression: z.string().trim().min(1).describe('SQL, e.g. `current_date - 7`.') })
          .describe("Every period at or after an SQL expression of the period column's type."),
        z
          .strictObject({ kind: z.literal('touched-by-arrivals'), query: z.string().trim().min(1).describe('SQL given {{arrivedKeys}}, returning one column of periods.') })
          .describe('The periods the records that arrived during the drill fall in (a query given {{arrivedKeys}}, a text[] of their keys, returning one column of periods).'),
      ])
      .default({ kind: 'latest', count: 1 })
      .describe('Which periods may legitimately change during a drill (the restored version recomputes them). Any other period must stay intact.'),
  })
  .describe(
    'Historical metrics: the query selecting the KPI history (only the columns that must not change: leave out run ids and timestamps a recomputation legitimately rewrites), the column that splits it into periods, and the columns naming one row. Fingerprinted per period before the rollback and compared after.',
  );

export type HistoryConfig = z.input<typeof historySchema>;

export interface PeriodFingerprint {
  rows: number;
  /** 32 hex digits; equal for equal multisets of rows, whatever their order. */
  hash: string;
}

export interface HistorySnapshot {
  /** Keyed by the period's text: 'YYYY-MM-DD' for a date, '(null)' for a null period. */
  periods: Record<string, PeriodFingerprint>;
  /** The periods in the period column's own order (dates as dates, numbers as numbers; null last). */
  order: string[];
  /** With `mayChange: { kind: 'from' }`: the periods at or after the expression when the snapshot was taken. */
  fromBoundary?: string[];
  takenAt: string;
}

export interface HistoryComparison {
  /** No period taken before changed or disappeared (ignored ones aside). New periods do not count. */
  intact: boolean;
  periodsCompared: number;
  changedPeriods: string[];
  missingPeriods: string[];
  /** Periods that did not exist before: not history, so reported but never a failure. */
  newPeriods: string[];
  ignoredPeriods: string[];
  /** The first 10 changed, added or removed rows of the changed and missing periods, by key. */
  changedRows: ChangedRow[];
  changedRowCount: number;
  after: HistorySnapshot;
  durationMs: number;
}

// Alias of the configured query's rows; unlikely enough that no real column shadows the whole-row reference.
const row = 'drill_history_row';

/** SQL naming a row's period exactly as valueText() names it in Node. */
function periodSql(cfg: HistoryConfig): string {
  return `coalesce(to_json(${row}.${quoteIdent(cfg.periodColumn)}) #>> '{}', '${nullText}')`;
}

/**
 * Per period: row count and an order-independent hash over each whole row's text (md5 of the
 * row, two 64-bit slices summed as in fingerprint.ts), computed in SQL on a session with the
 * stable output settings of pg-session.ts, so the text forms do not depend on who asks.
 */
export async function snapshotHistory(target: string | Queryable, cfg: HistoryConfig): Promise<HistorySnapshot> {
  return onSession(target, cfg, 'history snapshot', (client) => snapshotOn(client, cfg));
}

/**
 * Every row of the history as a plain object (Postgres' to_json: numbers as numbers, dates as
 * 'YYYY-MM-DD'), ordered by period and key. This one downloads: KPI history is small, and it is the
 * evidence that names a changed row later.
 */
export async function exportHistoryRows(target: string | Queryable, cfg: HistoryConfig): Promise<HistoryRow[]> {
  return onSession(target, cfg, 'history export', (client) => rowsOn(client, cfg));
}

/**
 * Recomputes the snapshot and compares it with `before`, period by period (ignored periods
 * aside: the restored version legitimately recomputes its latest as-of). Only the rows of changed
 * periods are fetched, and diffed against `beforeRows` by the key columns to name what changed.
 * With a DSN, the snapshot and the fetch run in one repeatable-read transaction, so they agree.
 */
export async function compareHistory(
  target: string | Queryable,
  cfg: HistoryConfig,
  before: HistorySnapshot,
  beforeRows: readonly HistoryRow[],
  options: { ignorePeriods?: readonly string[] } = {},
): Promise<HistoryComparison> {
  const started = performance.now();
  const ignored = new Set(options.ignorePeriods ?? []);
  return onSession(target, cfg, 'history comparison', async (client) => {
    const after = await snapshotOn(client, cfg);
    const compared = Object.keys(before.periods)
      .filter((p) => !ignored.has(p))
      .sort();
    const missingPeriods = compared.filter((p) => !after.periods[p]);
    const changedPeriods = compared.filter((p) => {
      const b = before.periods[p]!;
      const a = after.periods[p];
      return a !== undefined && (a.rows !== b.rows || a.hash !== b.hash);
    });
    const newPeriods = Object.keys(after.periods)
      .filter((p) => !before.periods[p] && !ignored.has(p))
      .sort();
    const diffed = new Set([...changedPeriods, ...missingPeriods]);
    const afterRows = changedPeriods.length ? await rowsOn(client, cfg, changedPeriods) : [];
    const beforeInScope = beforeRows.filter((r) => diffed.has(valueText(r[cfg.periodColumn])));
    const changes = diffHistoryRows(beforeInScope, afterRows, cfg.keyColumns);
    return {
      intact: changedPeriods.length === 0 && missingPeriods.length === 0,
      periodsCompared: compared.length,
      changedPeriods,
      missingPeriods,
      newPeriods,
      ignoredPeriods: [...ignored].filter((p) => before.periods[p] || after.periods[p]).sort(),
      changedRows: changes.slice(0, 10),
      changedRowCount: changes.length,
      after,
      durationMs: Math.round(performance.now() - started),
    };
  });
}

async function snapshotOn(client: Queryable, cfg: HistoryConfig): Promise<HistorySnapshot> {
  const column = `${row}.${quoteIdent(cfg.periodColumn)}`;
  const from = cfg.mayChange?.kind === 'from' ? cfg.mayChange.expression : undefined;
  const { rows } = await client.query<{ period: string; rows: string; hash: string; from_boundary: boolean | null }>(`
    select period, count(*)::text as rows,
           md5(count(*)::text || ':' || coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text
                              || ':' || coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text) as hash,
           ${from ? 'bool_or(at_or_after)' : 'null::boolean'} as from_boundary
      from (select ${periodSql(cfg)} as period, md5(${row}::text) as h, ${column} as period_value
                   ${from ? `, ${column} >= (${from}) as at_or_after` : ''}
              from ${subquery(cfg.query, 'the history query')} as ${row}) as hashed
     group by period
     order by min(period_value) nulls last, period collate "C"`);
  const periods: Record<string, PeriodFingerprint> = {};
  for (const r of rows) periods[r.period] = { rows: Number(r.rows), hash: r.hash };
  return {
    periods,
    order: rows.map((r) => r.period),
    ...(from ? { fromBoundary: rows.filter((r) => r.from_boundary).map((r) => r.period) } : {}),
    takenAt: new Date().toISOString(),
  };
}

/**
 * The periods of a snapshot that may legitimately change (historySchema's mayChange); `touched` are the
 * periods the arrived records fall in, for `touched-by-arrivals` (the caller runs that query).
 */
export function periodsThatMayChange(cfg: HistoryConfig, snapshot: HistorySnapshot, touched: readonly string[] = []): string[] {
  const mayChange = cfg.mayChange ?? { kind: 'latest', count: 1 };
  switch (mayChange.kind) {
    case 'latest':
      return mayChange.count === 0 ? [] : snapshot.order.slice(-(mayChange.count ?? 1));
    case 'from':
      return snapshot.fromBoundary ?? [];
    case 'touched-by-arrivals':
      return [...touched];
  }
}

/** Runs the `touched-by-arrivals` query with the arrived keys; the periods come back named as snapshots name them. */
export async function periodsTouchedBy(target: string | Queryable, cfg: HistoryConfig, arrivedKeys: readonly string[]): Promise<string[]> {
  const mayChange = cfg.mayChange;
  if (mayChange?.kind !== 'touched-by-arrivals' || arrivedKeys.length === 0) return [];
  return onSession(target, cfg, 'the periods touched by arrivals', async (client) => {
    const query = bindPlaceholders(mayChange.query, { arrivedKeys: { value: arrivedKeys, type: 'text[]' } }, 'history.mayChange.query');
    const { rows } = await client
      .query<{ p: string }>(`select distinct coalesce(to_json(t.p) #>> '{}', '${nullText}') as p from (${query.text}) as t(p)`, query.values)
      .catch((error: unknown) => {
        throw new Error(`history.mayChange.query failed (it must return one column of periods): ${errorMessage(error)}`);
      });
    return rows.map((r) => r.p);
  });
}

async function rowsOn(client: Queryable, cfg: HistoryConfig, periods?: readonly string[]): Promise<HistoryRow[]> {
  const order = [cfg.periodColumn, ...cfg.keyColumns].map((c) => `(to_json(${row}.${quoteIdent(c)}) #>> '{}') collate "C"`).join(', ');
  const { rows } = await client.query<{ r: HistoryRow }>(
    `select to_json(${row}) as r from ${subquery(cfg.query, 'the history query')} as ${row}
      ${periods ? `where ${periodSql(cfg)} = any($1::text[])` : ''}
      order by ${order}`,
    periods ? [periods] : [],
  );
  return rows.map((r) => r.r);
}

/**
 * Runs `fn` on a stable session; with a DSN inside one repeatable-read, read-only transaction.
 * The configured columns are checked first (planned, not run), so a typo names the setting instead
 * of surfacing as "column does not exist" in the middle of a generated query.
 */
async function onSession<T>(target: string | Queryable, cfg: HistoryConfig, what: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
  const parsed = historySchema.safeParse(cfg);
  if (!parsed.success) throw new HarnessError(`invalid history config: ${z.prettifyError(parsed.error)}`);
  const own = typeof target === 'string';
  try {
    return await withSession(target, async (client) => {
      if (own) await client.query('begin isolation level repeatable read read only');
      try {
        await checkColumns(client, cfg);
        return await fn(client);
      } finally {
        if (own) await client.query('rollback').catch(() => undefined);
      }
    });
  } catch (error) {
    const message = `${what} failed: ${errorMessage(error)}`;
    throw new Error(typeof target === 'string' ? redactedFor(target, message) : message);
  }
}

async function checkColumns(client: Queryable, cfg: HistoryConfig): Promise<void> {
  await client.query(`select 1 from ${subquery(cfg.query, 'the history query')} as ${row} limit 0`).catch((error: unknown) => {
    throw new Error(`the history query is not valid: ${errorMessage(error)}`);
  });
  const uses: Array<[string, string]> = [[cfg.periodColumn, 'periodColumn'], ...cfg.keyColumns.map((c): [string, string] => [c, 'keyColumns'])];
  for (const [column, setting] of uses) {
    await client.query(`select ${row}.${quoteIdent(column)} from ${subquery(cfg.query, 'the history query')} as ${row} limit 0`).catch((error: unknown) => {
      throw new Error(`the history query has no column '${column}' (${setting}): ${errorMessage(error)}`);
    });
  }
}
