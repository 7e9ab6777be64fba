import { z } from 'zod';
import { HarnessError, errorMessage } from '../errors.ts';
import {
  accountedBucketsSql,
  bucketDiffSql,
  mismatchedBuckets,
  sourceBucketsSql,
  summariesAgree,
  wholeAccountedSql,
  wholeSourceSql,
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
  /** Rows brought into Node by every query together: 2 when all agree; bounded by the buckets, never by the data. */
  rowsFetched: number;
  durationMs: number;
}

/**
 * Reconciles source keys with processed ∪ quarantined keys in the database (key-buckets.ts). Each
 * side is first summarised whole by its own query (so the two could later run on different
 * databases): one scan of each, a count and two hash sums, one row each into Node. When they agree,
 * every source key is accounted for exactly once and the proof is done. When they differ, both sides
 * are summarised per key-hash bucket, compared here, and only the mismatched buckets are diffed key
 * by key — in SQL, counting exactly and returning at most `sampleSize` keys of each kind.
 *
 * Counts are exact in the buckets that differ. Where the sides agree, each source key occurrence is
 * matched by one accounted occurrence, and occurrences are what is counted there: a source key
 * duplicated n times and accounted n times (e.g. processed once and quarantined once) agrees and is
 * counted as n keys, not as a duplicate nor as doubly accounted.
 *
 * Given a DSN, everything runs in one repeatable-read, read-only transaction, so a pipeline writing
 * meanwhile cannot make the summaries and the diff disagree. Given a client (one connection, not a
 * pool), it runs in that client's current transaction state.
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

  // One scan of each side, summarised whole. When they agree, that is the proof.
  const [wholeSource] = (await client.query<Record<string, string>>(wholeSourceSql(sourceKeysQuery))).rows;
  const [wholeAccounted] = (await client.query<Record<string, string>>(wholeAccountedSql(processedKeysQuery, quarantinedKeysQuery))).rows;
  const sourceSummary = { n: Number(wholeSource!.n), s1: wholeSource!.s1!, s2: wholeSource!.s2! };
  const accountedSummary = { n: Number(wholeAccounted!.n), s1: wholeAccounted!.s1!, s2: wholeAccounted!.s2! };
  const nullSourceKeys = Number(wholeSource!.nulls);
  if (summariesAgree(sourceSummary, accountedSummary)) {
    return {
      ...noDifference(),
      sourceKeys: sourceSummary.n,
      processedKeys: Number(wholeAccounted!.processed),
      quarantinedKeys: Number(wholeAccounted!.quarantined),
      accountedKeys: accountedSummary.n,
      nullSourceKeys,
      buckets: { total: buckets, mismatched: 0 },
    };
  }

  // They differ: the same summaries per key-hash bucket say where.
  const source = (await client.query<Record<string, string | number>>(sourceBucketsSql(sourceKeysQuery), [buckets])).rows;
  const accounted = (await client.query<Record<string, string | number>>(accountedBucketsSql(processedKeysQuery, quarantinedKeysQuery), [buckets])).rows;
  const mismatched = mismatchedBuckets(source.map(summary), accounted.map(summary));

  // Buckets that agree hold the same key occurrences on both sides, each source key accounted once:
  // their counts are the totals there. Buckets that differ are counted again, exactly, key by key.
  const differing = new Set(mismatched);
  const agreeing = (rows: Record<string, string | number>[], column: string) =>
    rows.filter((r) => Number(r.bucket) >= 0 && !differing.has(Number(r.bucket))).reduce((sum, r) => sum + Number(r[column]), 0);
  const agreed = { keys: agreeing(source, 'n'), processed: agreeing(accounted, 'processed'), quarantined: agreeing(accounted, 'quarantined') };
  const exact = mismatched.length > 0 ? await diffBuckets(client, config, mismatched, sampleSize) : noBucketDiff();

  return {
    sourceKeys: agreed.keys + exact.sourceKeys,
    processedKeys: agreed.processed + exact.processed,
    quarantinedKeys: agreed.quarantined + exact.quarantined,
    accountedKeys: agreed.keys + exact.accounted,
    missingKeys: exact.missing,
    missingSample: exact.missingSample,
    doublyAccounted: exact.doubly,
    doublySample: exact.doublySample,
    unexpectedKeys: exact.unexpected,
    unexpectedSample: exact.unexpectedSample,
    nullSourceKeys,
    duplicateSourceKeys: exact.sourceOccurrences - exact.sourceKeys,
    buckets: { total: buckets, mismatched: mismatched.length },
  };
}

/** The counts that are zero, and the samples that are empty, when everything is accounted for once. */
function noDifference(): Pick<RecordAccounting, 'missingKeys' | 'missingSample' | 'doublyAccounted' | 'doublySample' | 'unexpectedKeys' | 'unexpectedSample' | 'duplicateSourceKeys'> {
  return { missingKeys: 0, missingSample: [], doublyAccounted: 0, doublySample: [], unexpectedKeys: 0, unexpectedSample: [], duplicateSourceKeys: 0 };
}

interface BucketDiff {
  sourceKeys: number;
  sourceOccurrences: number;
  processed: number;
  quarantined: number;
  accounted: number;
  doubly: number;
  missing: number;
  unexpected: number;
  missingSample: string[];
  unexpectedSample: string[];
  doublySample: string[];
}

function noBucketDiff(): BucketDiff {
  return {
    sourceKeys: 0, sourceOccurrences: 0, processed: 0, quarantined: 0, accounted: 0, doubly: 0, missing: 0, unexpected: 0,
    missingSample: [], unexpectedSample: [], doublySample: [],
  };
}

async function diffBuckets(client: Queryable, config: Config, mismatched: number[], sampleSize: number): Promise<BucketDiff> {
  const { rows } = await client.query<Record<string, string> & { missing_sample: string[]; unexpected_sample: string[]; doubly_sample: string[] }>(
    bucketDiffSql(config.sourceKeysQuery, config.processedKeysQuery, config.quarantinedKeysQuery),
    [config.buckets, mismatched, sampleSize],
  );
  const row = rows[0]!;
  return {
    sourceKeys: Number(row.source_keys),
    sourceOccurrences: Number(row.source_occurrences),
    processed: Number(row.processed),
    quarantined: Number(row.quarantined),
    accounted: Number(row.accounted),
    doubly: Number(row.doubly),
    missing: Number(row.missing),
    unexpected: Number(row.unexpected),
    missingSample: row.missing_sample,
    unexpectedSample: row.unexpected_sample,
    doublySample: row.doubly_sample,
  };
}

function summary(row: Record<string, string | number>): BucketSummary {
  return { bucket: Number(row.bucket), n: Number(row.n), s1: String(row.s1), s2: String(row.s2) };
}
