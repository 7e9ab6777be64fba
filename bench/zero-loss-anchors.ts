import pg from 'pg';
import type { AccountingConfig } from '../src/database/record-accounting.ts';
import { subquery } from '../src/database/subquery.ts';

/**
 * What the proof is measured beside, on the same database and the same configured key queries.
 *
 * The floor: reading each side once and no more, i.e. `count(*)` and the sum of one 64-bit hash of
 * the key text over the source query, then over processed ∪ quarantined. No proof can read less.
 *
 * The plain anti-join: the source keys with no processed-or-quarantined key of the same text
 * (NOT EXISTS over the union), counted; it finds missing keys only.
 */
export function floorSql(accounting: AccountingConfig): string[] {
  const scan = (sql: string) => `select count(*), sum(hashtextextended((src.key)::text, 1)) from ${sql} as src`;
  return [
    scan(subquery(accounting.sourceKeysQuery, 'sourceKeysQuery')),
    scan(`(${subquery(accounting.processedKeysQuery, 'processedKeysQuery')} union all ${subquery(accounting.quarantinedKeysQuery, 'quarantinedKeysQuery')})`),
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

/** Runs the statements one after the other on a fresh connection; returns the time of the statements alone and the last result's first row. */
export async function timeStatements(dsn: string, statements: string[]): Promise<{ ms: number; row: Record<string, unknown> | undefined }> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const started = performance.now();
    let row: Record<string, unknown> | undefined;
    for (const statement of statements) row = (await client.query(statement)).rows[0] as Record<string, unknown> | undefined;
    return { ms: performance.now() - started, row };
  } finally {
    await client.end().catch(() => undefined);
  }
}
