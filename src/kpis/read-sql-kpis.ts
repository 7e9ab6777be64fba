import type { KpiPoint } from './kpi-compare.ts';
import { errorMessage } from '../errors.ts';
import { quoteIdent } from '../database/identifiers.ts';
import { redactedFor, withSession } from '../database/pg-session.ts';
import { subquery } from '../database/subquery.ts';
import { bindPlaceholders } from '../database/bind-placeholders.ts';
import { toKpiPoint, type KpiFilter } from './normalise.ts';

const columns = { asOf: 'as_of', segment: 'segment', kpi: 'kpi', value: 'value' } as const;

/**
 * Runs the KPI query on a stable session (pg-session.ts: UTC, ISO dates) and maps its rows.
 * Every column is cast in SQL: as_of to text, because node-postgres would turn a `date` into a
 * local-midnight Date and shift it a day in zones west of UTC; value to double precision, because
 * a `numeric` arrives as a string. The filter compares the query's own columns as text, with
 * parameters, so a run id can never become SQL.
 */
export async function readSqlKpis(dsn: string, query: string, filter: KpiFilter = {}): Promise<KpiPoint[]> {
  const conditions = Object.keys(filter).map((column, i) => `(q.${quoteIdent(column)})::text = $${i + 1}`);
  const sql = `
    select (q.as_of)::text as as_of, (q.segment)::text as segment, (q.kpi)::text as kpi, (q.value)::double precision as value
      from ${subquery(query, 'the KPI query')} as q
     ${conditions.length ? `where ${conditions.join(' and ')}` : ''}`;
  let rows: Record<string, unknown>[];
  try {
    rows = await withSession(dsn, async (client) => (await client.query(sql, Object.values(filter))).rows);
  } catch (error) {
    throw new Error(redactedFor(dsn, `KPI query failed (it must return columns as_of, segment, kpi, value): ${errorMessage(error)}`));
  }
  return rows.map((row, i) => toKpiPoint(row, columns, `KPI query row ${i + 1}`));
}

/**
 * The (as_of, segment, kpi) of the rows a query names, its {{placeholders}} bound as parameters: which
 * points a run wrote (`… where run_id = {{runId}}`).
 */
export async function readKpiKeys(dsn: string, query: string, bound: Parameters<typeof bindPlaceholders>[1], setting: string): Promise<KpiPoint[]> {
  const bind = bindPlaceholders(query, bound, setting);
  const sql = `select (q.as_of)::text as as_of, (q.segment)::text as segment, (q.kpi)::text as kpi, null::double precision as value from (${bind.text}) as q`;
  let rows: Record<string, unknown>[];
  try {
    rows = await withSession(dsn, async (client) => (await client.query(sql, bind.values)).rows);
  } catch (error) {
    throw new Error(redactedFor(dsn, `${setting} failed (it must return columns as_of, segment, kpi): ${errorMessage(error)}`));
  }
  return rows.map((row, i) => toKpiPoint(row, columns, `${setting} row ${i + 1}`));
}
