import pg from 'pg';
import { subquery } from '../src/database/subquery.ts';

/**
 * An anchor, frozen: the key-only zero-loss proof as it shipped before the values-level one
 * (commit 9ae0fa3, src/database/key-buckets.ts + record-accounting.ts, 5.06 s at 10M rows in
 * bench/RESULTS.md), with the reference accounting queries it ran with then (clean tables joined
 * with the processed ledger). Only the path a complete data set takes is kept, statement for
 * statement: three planning checks (limit 0), then one summary of the source and one of processed
 * ⊎ quarantined (count + two hashtextextended sums of the key text), in one repeatable-read
 * transaction on one connection. On anything but complete data it says so instead of diffing.
 */
export const BASELINE_ACCOUNTING = {
  sourceKeysQuery: "select 'loans:' || loan_id as key from cascade.loans union all select 'payments:' || payment_id from cascade.payments",
  processedKeysQuery: `select 'loans:' || l.loan_id as key from abaco.loans l
                         join abaco.processed_records r on r.source = 'loans' and r.source_id = l.loan_id
                       union all
                       select 'payments:' || p.payment_id from abaco.payments p
                         join abaco.processed_records r on r.source = 'payments' and r.source_id = p.payment_id`,
  quarantinedKeysQuery: `select q.source || ':' || q.source_id as key from abaco.quarantine q
                           join abaco.processed_records r using (source, source_id)`,
};

const keysOf = (query: string, what: string) => `(select ((src.key)::text collate "C") as k from ${subquery(query, what)} as src) as keys`;
const wholeSummary = `count(k) as n, coalesce(sum(hashtextextended(k, 1)), 0) as s1, coalesce(sum(hashtextextended(k, 2)), 0) as s2`;

export async function baselineProof(dsn: string): Promise<{ sourceKeys: number; processedKeys: number; quarantinedKeys: number; rowsFetched: number }> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  let rowsFetched = 0;
  const query = async (sql: string) => {
    const result = await client.query<Record<string, string>>(sql);
    rowsFetched += result.rows.length;
    return result.rows;
  };
  try {
    await query('begin isolation level repeatable read read only');
    const { sourceKeysQuery, processedKeysQuery, quarantinedKeysQuery } = BASELINE_ACCOUNTING;
    for (const [name, sql] of Object.entries(BASELINE_ACCOUNTING)) await query(`select src.key from ${subquery(sql, name)} as src limit 0`);
    const [source] = await query(`select n::text, s1::text, s2::text from (select count(*) as rows, ${wholeSummary} from ${keysOf(sourceKeysQuery, 'sourceKeysQuery')}) as whole`);
    const [accounted] = await query(`
      select (p.n + q.n)::text as n, (p.s1 + q.s1)::text as s1, (p.s2 + q.s2)::text as s2, p.n::text as processed, q.n::text as quarantined
        from (select ${wholeSummary} from ${keysOf(processedKeysQuery, 'processedKeysQuery')}) as p
       cross join (select ${wholeSummary} from ${keysOf(quarantinedKeysQuery, 'quarantinedKeysQuery')}) as q`);
    if (source!.n !== accounted!.n || source!.s1 !== accounted!.s1 || source!.s2 !== accounted!.s2) {
      throw new Error('baseline proof: the data set is not complete (this frozen anchor only times the complete case)');
    }
    await query('rollback');
    return { sourceKeys: Number(source!.n), processedKeys: Number(accounted!.processed), quarantinedKeys: Number(accounted!.quarantined), rowsFetched };
  } finally {
    await client.end().catch(() => undefined);
  }
}
