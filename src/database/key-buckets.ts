import { subquery } from './subquery.ts';

/**
 * Key sets are compared as multisets of hashed keys, in the database. A key is its text, byte-wise
 * (collation "C"), hashed twice by hashtextextended (seeds 1 and 2, 64 bits each). A set of key
 * occurrences is summarised by its count and the exact sums of both hashes: order-independent and
 * additive, so a summary takes one pass with no per-key sort or hash table.
 *
 * The proof first summarises each side whole (wholeSourceSql, wholeAccountedSql): when the source
 * and processed ⊎ quarantined agree, every source occurrence is matched by exactly one accounted
 * occurrence, and the proof is done after one scan of each side. When they differ, both sides are
 * summarised per key-hash bucket, and only the buckets that differ are reconciled key by key
 * (bucketDiffSql). A missing key, an extra key, a key accounted twice (processed and quarantined)
 * and a duplicated source key all change a count, so none of them can agree; the one difference a
 * summary cannot see is a compensated one: a key n times in the source and accounted n times.
 *
 * The aggregates name the key expression in each of their arguments rather than in a subquery
 * computed once: a fence (offset 0) would evaluate it once but also stop the plan from running in
 * parallel, which costs more than evaluating it again.
 *
 * hashtextextended rather than md5: md5 and the hex slicing around it were most of the old proof's
 * time. Its values are the ones PostgreSQL routes hash-partitioned rows by, so they do not change
 * between versions; both sides are hashed by the same server today.
 */

/** The compared form of a key: its text, byte-wise. */
const keyText = '((src.key)::text collate "C")';

/**
 * SQL for the bucket of a key text expression (null for a null key); `bucketsParam` holds the bucket
 * count. From hashtext (32 bits; hashtextextended with seed 0 extends it), not from the sums' seeds,
 * so keys sharing a bucket still differ in all 64 bits of both sums' hashes.
 */
function bucketOf(textExpr: string, bucketsParam: string): string {
  return `((hashtext(${textExpr}) & 2147483647) % ${bucketsParam})::int`;
}

/** A configured query's keys as compared, in a derived table `keys` with column `k`. */
function keysOf(query: string, what: string): string {
  return `(select ${keyText} as k from ${subquery(query, what)} as src) as keys`;
}

const wholeSummary = `count(k) as n, coalesce(sum(hashtextextended(k, 1)), 0) as s1, coalesce(sum(hashtextextended(k, 2)), 0) as s2`;

/** The whole source in one row: its non-null key occurrences (n, s1, s2) and its null keys. */
export function wholeSourceSql(query: string): string {
  return `
    select n::text, s1::text, s2::text, (rows - n)::text as nulls
      from (select count(*) as rows, ${wholeSummary} from ${keysOf(query, 'sourceKeysQuery')}) as whole`;
}

/**
 * Processed and quarantined keys in one row: each query summarised on its own (one scan each), and
 * their sum, which is compared with the source's. Null keys account for nothing and are left out.
 */
export function wholeAccountedSql(processedQuery: string, quarantinedQuery: string): string {
  return `
    select (p.n + q.n)::text as n, (p.s1 + q.s1)::text as s1, (p.s2 + q.s2)::text as s2,
           p.n::text as processed, q.n::text as quarantined
      from (select ${wholeSummary} from ${keysOf(processedQuery, 'processedKeysQuery')}) as p
     cross join (select ${wholeSummary} from ${keysOf(quarantinedQuery, 'quarantinedKeysQuery')}) as q`;
}

/**
 * Per-bucket summary of a configured query's keys: `bucket`, n, s1, s2. The bucket of a null key is
 * null, and its hashes are null: such rows form one group with n = 0, reported as bucket -1.
 */
function bucketSummary(query: string, what: string, nullsAs: 'rows' | 'ignored'): string {
  return `select coalesce(${bucketOf('k', '$1')}, -1) as bucket, ${nullsAs === 'rows' ? 'count(*)' : 'count(k)'} as n,
                 coalesce(sum(hashtextextended(k, 1)), 0) as s1, coalesce(sum(hashtextextended(k, 2)), 0) as s2
            from ${keysOf(query, what)}
           group by 1`;
}

/**
 * Per bucket of the source: how many key occurrences fell in it and their hash sums. Null keys are
 * counted in bucket -1: no output can account for such a record, so it is reported rather than
 * dropped. Parameter $1 = bucket count.
 */
export function sourceBucketsSql(query: string): string {
  return `
    select bucket, n::text, s1::text, s2::text from (${bucketSummary(query, 'sourceKeysQuery', 'rows')}) as buckets`;
}

/**
 * Per bucket of accounted keys = processed ⊎ quarantined: the same summary as the source side over
 * both queries' occurrences together, and how many of them are processed and quarantined. Each query
 * is scanned once, summarised on its own, and the two summaries are added up per bucket.
 * Parameter $1 = bucket count.
 */
export function accountedBucketsSql(processedQuery: string, quarantinedQuery: string): string {
  return `
    with p as (${bucketSummary(processedQuery, 'processedKeysQuery', 'ignored')}),
         q as (${bucketSummary(quarantinedQuery, 'quarantinedKeysQuery', 'ignored')})
    select coalesce(p.bucket, q.bucket) as bucket,
           (coalesce(p.n, 0) + coalesce(q.n, 0))::text as n,
           coalesce(p.n, 0)::text as processed, coalesce(q.n, 0)::text as quarantined,
           (coalesce(p.s1, 0) + coalesce(q.s1, 0))::text as s1,
           (coalesce(p.s2, 0) + coalesce(q.s2, 0))::text as s2
      from p full join q on p.bucket = q.bucket`;
}

export interface Summary {
  n: number;
  s1: string;
  s2: string;
}

export interface BucketSummary extends Summary {
  bucket: number;
}

/** Two summaries of key occurrences agree when their counts and both hash sums are equal. */
export function summariesAgree(a: Summary, b: Summary): boolean {
  return a.n === b.n && a.s1 === b.s1 && a.s2 === b.s2;
}

/** Buckets whose count or hash differ between the sides (a bucket absent on one side is empty there). */
export function mismatchedBuckets(source: readonly BucketSummary[], accounted: readonly BucketSummary[]): number[] {
  const empty = { n: 0, s1: '0', s2: '0' };
  const bySource = new Map(source.map((b) => [b.bucket, b]));
  const byAccounted = new Map(accounted.map((b) => [b.bucket, b]));
  const all = [...new Set([...bySource.keys(), ...byAccounted.keys()])].filter((b) => b >= 0).sort((a, b) => a - b);
  return all.filter((bucket) => !summariesAgree(bySource.get(bucket) ?? empty, byAccounted.get(bucket) ?? empty));
}

/** Non-null key occurrences of a configured query that fall in the buckets $2 (of $1), tagged with `side`. */
function keysInBuckets(query: string, what: string, side: number): string {
  return `select ${side} as side, k from ${keysOf(query, what)}
           where ${bucketOf('k', '$1')} = any($2::int[])`;
}

/**
 * Exact reconciliation restricted to the mismatched buckets, in one statement returning one row. The
 * key occurrences of all three queries there are grouped by key once (one hash aggregate, which can
 * run in parallel), each key with its source occurrences and whether it was processed or quarantined;
 * from that: the distinct counts (source keys and their occurrences, processed, quarantined,
 * accounted, both), the missing and unexpected keys counted exactly, and at most `$3` keys of each
 * kind, in byte order so the sample is the same on every machine.
 * Parameters: $1 = bucket count, $2 = mismatched buckets (int[]), $3 = sample size.
 */
export function bucketDiffSql(sourceQuery: string, processedQuery: string, quarantinedQuery: string): string {
  return `
    with keyed as (
           select k, count(*) filter (where side = 0) as occurrences,
                  bool_or(side = 1) as processed, bool_or(side = 2) as quarantined
             from (${keysInBuckets(sourceQuery, 'sourceKeysQuery', 0)}
                   union all
                   ${keysInBuckets(processedQuery, 'processedKeysQuery', 1)}
                   union all
                   ${keysInBuckets(quarantinedQuery, 'quarantinedKeysQuery', 2)}) as occurrences
            group by k),
         counted as (
           select count(*) filter (where occurrences > 0) as source_keys,
                  coalesce(sum(occurrences), 0) as source_occurrences,
                  count(*) filter (where processed) as processed,
                  count(*) filter (where quarantined) as quarantined,
                  count(*) filter (where processed or quarantined) as accounted,
                  count(*) filter (where processed and quarantined) as doubly,
                  count(*) filter (where occurrences > 0 and not (processed or quarantined)) as missing,
                  count(*) filter (where occurrences = 0) as unexpected
             from keyed)
    select source_keys::text, source_occurrences::text, processed::text, quarantined::text, accounted::text,
           doubly::text, missing::text, unexpected::text,
           array(select k from keyed where occurrences > 0 and not (processed or quarantined) order by k limit $3) as missing_sample,
           array(select k from keyed where occurrences = 0 order by k limit $3) as unexpected_sample,
           array(select k from keyed where processed and quarantined order by k limit $3) as doubly_sample
      from counted`;
}
