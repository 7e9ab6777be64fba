import pg from 'pg';
import type { AccountingConfig } from '../src/database/record-accounting.ts';
import { quoteIdent } from '../src/database/identifiers.ts';
import { reconcileRecords } from '../src/database/record-accounting.ts';
import { subquery } from '../src/database/subquery.ts';

/**
 * What the proof is measured beside, on the same database and the same configured queries.
 *
 * The floor: each configured query read once, one after the other, and nothing compared: its rows
 * counted, one 64-bit hash of its key text summed (the least that reads a key), and every value
 * column it returns counted (so that its values are read). No proof reads less; the proof must
 * also hash the values and compare, but may run the queries at the same time.
 *
 * The plain anti-join: the source keys with no processed-or-quarantined key of the same text
 * (NOT EXISTS over the union), counted; it finds missing keys only, and no value.
 */
export function floorSql(accounting: AccountingConfig, options: { values: boolean }): string[] {
  const values = options.values ? (accounting.valueColumns ?? []) : [];
  const scan = (sql: string, what: string, columns: readonly string[]) =>
    `select count(*), sum(hashtextextended((src.key)::text, 1))${columns.map((c) => `, count(src.${quoteIdent(c)})`).join('')} from ${subquery(sql, what)} as src`;
  return [
    scan(accounting.sourceKeysQuery, 'sourceKeysQuery', values),
    scan(accounting.processedKeysQuery, 'processedKeysQuery', values),
    scan(accounting.quarantinedKeysQuery, 'quarantinedKeysQuery', []),
  ];
}

export function antiJoinSql(accounting: AccountingConfig): string {
  return `
    select count(*) as missing
      from ${subquery(accounting.sourceKeysQuery, 'sourceKeysQuery')} as s
     where s.key is not null
       and not exists (select 1
                         from (select key from ${subquery(accounting.processedKeysQuery, 'processedKeysQuery')} as p
                               union all
                               select key from ${subquery(accounting.quarantinedKeysQuery, 'quarantinedKeysQuery')} as q) as a
                        where (a.key)::text = (s.key)::text)`;
}

/**
 * The settings the proof's own sessions use (jit off, work_mem 64MB: src/database/reconcile/sessions.ts),
 * so that the anchors differ from it by their work, not by their settings.
 */
const SAME_SETTINGS = "select set_config('jit', 'off', false), set_config('work_mem', '64MB', false)";

/**
 * Runs the statements one after the other on a fresh connection; returns their time, the
 * connection included (as the proof's time includes opening its own), and the last result's first row.
 */
export async function timeStatements(dsn: string, statements: string[]): Promise<{ ms: number; row: Record<string, unknown> | undefined }> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  const started = performance.now();
  await client.connect();
  try {
    await client.query(SAME_SETTINGS);
    let row: Record<string, unknown> | undefined;
    for (const statement of statements) row = (await client.query(statement)).rows[0] as Record<string, unknown> | undefined;
    return { ms: performance.now() - started, row };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The proof and the floor each on one connection with no parallel workers, their statements in
 * turn: each time is then the CPU one server process spends (the data is in the page cache), and
 * their ratio is the proof's CPU per row over the floor's. Where the floor's parallel workers
 * already keep every core busy, running the proof's queries at the same time cannot win back more
 * than that ratio: it bounds how close to the floor the proof can come on this machine.
 */
export async function oneProcess(dsn: string, accounting: AccountingConfig): Promise<{ proofMs: number; floorMs: number }> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(SAME_SETTINGS);
    await client.query("select set_config('max_parallel_workers_per_gather', '0', false)");
    let started = performance.now();
    for (const statement of floorSql(accounting, { values: true })) await client.query(statement);
    const floorMs = performance.now() - started;
    started = performance.now();
    const result = await reconcileRecords(client, accounting);
    const proofMs = performance.now() - started;
    if (!result.complete) throw new Error('the proof on one connection found a difference where there is none');
    return { proofMs, floorMs };
  } finally {
    await client.end().catch(() => undefined);
  }
}
