import { z } from 'zod';
import { HarnessError, errorMessage } from '../errors.ts';
import {
  accountedBucketsSql,
  bucketDiffSql,
  doublySampleSql,
  mismatchedBuckets,
  sourceBucketsSql,
  type BucketSummary,
} from './key-buckets.ts';
import { redactedFor, withSession, type Queryable } from './pg-session.ts';
import { countingQueryable } from './row-counter.ts';
import { subquery } from './subquery.ts';

const keysQuery = (what: string) => z.string().trim().min(1, `${what} cannot be empty`);

/**
 * Zero data loss (DESIGN §5) as configuration: three queries, each returning one column named
 * `key` (text or a number; compared as text). For the reference pipeline, prefix keys with their
 * source (`'loans:' || loan_id`) so that a loan and a payment with the same id stay two records.
 */
export const accountingSchema = z.strictObject({
  /** Every source record the pipeline should have processed. */
  sourceKeysQuery: keysQuery('sourceKeysQuery'),
  /** Records the pipeline loaded as clean. */
  processedKeysQuery: keysQuery('processedKeysQuery'),
  /** Records the pipeline set aside with a reason. */
  quarantinedKeysQuery: keysQuery('quarantinedKeysQuery'),
  /** Key-hash buckets compared; only this many rows per side leave the database. */
  buckets: z.number().int().min(1).max(65_536).default(256),
});

/** As written in a config file (buckets optional) or as parsed. */
export type AccountingConfig = z.input<typeof accountingSchema>;

export interface RecordAccounting {
  /** Distinct non-null source keys. */
  sourceKeys: number;
  processedKeys: number;
  quarantinedKeys: number;
  /** Distinct keys processed or quarantined. */
  accountedKeys: number;
  /** Source keys neither processed nor quarantined: the data loss. Exact. */
  missingKeys: number;
  /** Up to sampleSize of them, in byte order. */
  missingSample: string[];
  /** Keys both processed and quarantined: a record the pipeline counted twice. */
  doublyAccounted: number;
  doublySample: string[];
  /** Accounted keys that are not in the source (a misconfigured query, or records from elsewhere). */
  unexpectedKeys: number;
  unexpectedSample: string[];
  /** Source rows whose key is null: no output can account for them, so they are reported, not dropped. */
  nullSourceKeys: number;
  /** Extra occurrences of source keys that appear more than once (they collapse into one key). */
  duplicateSourceKeys: number;
  buckets: { total: number; mismatched: number };
  /** Rows brought into Node by every query together: bounded by the buckets, never by the data. */
  rowsFetched: number;
  durationMs: number;
}

/**
 * Reconciles source keys with processed ∪ quarantined keys in the database: each side is
 * summarised per key-hash bucket by its own query (so the two could later run on different
 * databases), the summaries are compared here, and only the mismatched buckets are diffed key by
 * key — in SQL, counting exactly and returning at most `sampleSize` keys of each kind.
 *
 * Given a DSN, everything runs in one repeatable-read, read-only transaction, so a pipeline writing
 * meanwhile cannot make the bucket summaries and the diff disagree. Given a client (one
 * connection, not a pool), it runs in that client's current transaction state.
 */
export async function reconcileRecords(
  target: string | Queryable,
  accounting: AccountingConfig,
  options: { sampleSize?: number } = {},
): Promise<RecordAccounting> {
  const parsed = accountingSchema.safeParse(accounting);
  if (!parsed.success) throw new HarnessError(`invalid record accounting config: ${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  const sampleSize = options.sampleSize ?? 10;
  if (!(Number.isInteger(sampleSize) && sampleSize >= 0)) throw new HarnessError(`record accounting sampleSize must be a non-negative integer, got ${sampleSize}`);
  const started = performance.now();
  const own = typeof target === 'string';
  try {
    return await withSession(target, async (session) => {
      const client = countingQueryable(session);
      if (own) await client.query('begin isolation level repeatable read read only');
      try {
        const result = await reconcileOn(client, config, sampleSize);
        return { ...result, rowsFetched: client.rowsFetched, durationMs: Math.round(performance.now() - started) };
      } finally {
        if (own) await client.query('rollback').catch(() => undefined);
      }
    });
  } catch (error) {
    const message = `record accounting failed: ${errorMessage(error)}`;
    throw new Error(typeof target === 'string' ? redactedFor(target, message) : message);
  }
}

type Config = z.output<typeof accountingSchema>;

async function reconcileOn(client: Queryable, config: Config, sampleSize: number): Promise<Omit<RecordAccounting, 'rowsFetched' | 'durationMs'>> {
  const { sourceKeysQuery, processedKeysQuery, quarantinedKeysQuery, buckets } = config;
  // Planned, not run (limit 0): an error here names the query, which the aggregates' errors cannot.
  for (const [name, sql] of Object.entries({ sourceKeysQuery, processedKeysQuery, quarantinedKeysQuery })) {
    await client.query(`select src.key from ${subquery(sql, name)} as src limit 0`).catch((error: unknown) => {
      throw new Error(`${name} failed (it must return one column named key): ${errorMessage(error)}`);
    });
  }

  const source = (await client.query<Record<string, string | number>>(sourceBucketsSql(sourceKeysQuery), [buckets])).rows;
  const accounted = (await client.query<Record<string, string | number>>(accountedBucketsSql(processedKeysQuery, quarantinedKeysQuery), [buckets])).rows;
  const sourceBuckets = source.map(summary);
  const accountedBuckets = accounted.map(summary);
  const total = (rows: Record<string, string | number>[], column: string, bucketFilter = (b: number) => b >= 0) =>
    rows.filter((r) => bucketFilter(Number(r.bucket))).reduce((sum, r) => sum + Number(r[column]), 0);

  const mismatched = mismatchedBuckets(sourceBuckets, accountedBuckets);
  let diff = { missing: 0, unexpected: 0, missingSample: [] as string[], unexpectedSample: [] as string[] };
  if (mismatched.length > 0) {
    const { rows } = await client.query<{ missing: string; unexpected: string; missing_sample: string[]; unexpected_sample: string[] }>(
      bucketDiffSql(sourceKeysQuery, processedKeysQuery, quarantinedKeysQuery),
      [buckets, mismatched, sampleSize],
    );
    const row = rows[0]!;
    diff = { missing: Number(row.missing), unexpected: Number(row.unexpected), missingSample: row.missing_sample, unexpectedSample: row.unexpected_sample };
  }

  const doublyAccounted = total(accounted, 'doubly');
  let doublySample: string[] = [];
  if (doublyAccounted > 0 && sampleSize > 0) {
    const withDoubles = accounted.filter((r) => Number(r.doubly) > 0).map((r) => Number(r.bucket));
    const { rows } = await client.query<{ k: string }>(doublySampleSql(processedKeysQuery, quarantinedKeysQuery), [buckets, withDoubles, sampleSize]);
    doublySample = rows.map((r) => r.k);
  }

  const sourceKeys = total(source, 'n');
  return {
    sourceKeys,
    processedKeys: total(accounted, 'processed'),
    quarantinedKeys: total(accounted, 'quarantined'),
    accountedKeys: total(accounted, 'n'),
    missingKeys: diff.missing,
    missingSample: diff.missingSample,
    doublyAccounted,
    doublySample,
    unexpectedKeys: diff.unexpected,
    unexpectedSample: diff.unexpectedSample,
    nullSourceKeys: total(source, 'occurrences', (b) => b < 0),
    duplicateSourceKeys: total(source, 'occurrences') - sourceKeys,
    buckets: { total: buckets, mismatched: mismatched.length },
  };
}

function summary(row: Record<string, string | number>): BucketSummary {
  return { bucket: Number(row.bucket), n: Number(row.n), s1: String(row.s1), s2: String(row.s2) };
}
