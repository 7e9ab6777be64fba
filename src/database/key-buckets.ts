import { subquery } from './subquery.ts';

/**
 * Key sets are compared bucket by bucket: each key goes to a bucket derived from md5 of its text,
 * and each bucket is summarised by its key count and an order-independent hash (two sums of 64-bit
 * slices of the keys' md5, as fingerprint.ts does for rows). Only `buckets` rows per side ever leave
 * the database. md5 rather than hashtext(): hashtext is an internal function whose values are not
 * promised to stay the same across PostgreSQL versions, and the two sides may one day live on
 * different servers.
 */

/** SQL for the bucket of a text expression; `$buckets` is the parameter holding the bucket count. */
export function bucketOf(textExpr: string, bucketsParam: string): string {
  return bucketOfMd5(`md5(${textExpr})`, bucketsParam);
}

/** The same bucket from an md5 already computed, so the aggregates hash each key once. */
function bucketOfMd5(md5Expr: string, bucketsParam: string): string {
  return `(('x' || substr(${md5Expr}, 1, 8))::bit(32)::bigint % ${bucketsParam})::int`;
}

const sums = `coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text as s1,
              coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text as s2`;

/**
 * Per bucket: distinct keys, their hash sums, and how many rows carried them (to see duplicates).
 * Keys that are null land in bucket -1: such a record can be accounted for by nothing, so it is
 * reported rather than silently dropped. Parameter $1 = bucket count.
 */
export function sourceBucketsSql(query: string): string {
  return `
    with d as (select (src.key)::text as k, count(*) as c from ${subquery(query, 'sourceKeysQuery')} as src group by 1)
    select case when k is null then -1 else ${bucketOfMd5('h', '$1')} end as bucket,
           count(*)::text as n, sum(c)::text as occurrences, ${sums}
      from (select k, c, md5(k) as h from d) as x
     group by 1`;
}

/**
 * Per bucket of accounted keys = processed ∪ quarantined (distinct): the same count and hash as
 * the source side, plus how many were processed, quarantined, and both. Parameter $1 = bucket count.
 */
export function accountedBucketsSql(processedQuery: string, quarantinedQuery: string): string {
  return `
    with p as (select distinct (src.key)::text as k from ${subquery(processedQuery, 'processedKeysQuery')} as src where src.key is not null),
         q as (select distinct (src.key)::text as k from ${subquery(quarantinedQuery, 'quarantinedKeysQuery')} as src where src.key is not null),
         a as (select coalesce(p.k, q.k) as k, p.k is not null as in_p, q.k is not null as in_q from p full join q on p.k = q.k)
    select ${bucketOfMd5('h', '$1')} as bucket, count(*)::text as n,
           count(*) filter (where in_p)::text as processed, count(*) filter (where in_q)::text as quarantined,
           count(*) filter (where in_p and in_q)::text as doubly, ${sums}
      from (select k, in_p, in_q, md5(k) as h from a) as x
     group by 1`;
}

export interface BucketSummary {
  bucket: number;
  n: number;
  s1: string;
  s2: string;
}

/** Buckets whose count or hash differ between the sides (a bucket absent on one side is empty there). */
export function mismatchedBuckets(source: readonly BucketSummary[], accounted: readonly BucketSummary[]): number[] {
  const empty = { n: 0, s1: '0', s2: '0' };
  const bySource = new Map(source.map((b) => [b.bucket, b]));
  const byAccounted = new Map(accounted.map((b) => [b.bucket, b]));
  const all = [...new Set([...bySource.keys(), ...byAccounted.keys()])].filter((b) => b >= 0).sort((a, b) => a - b);
  return all.filter((bucket) => {
    const s = bySource.get(bucket) ?? empty;
    const a = byAccounted.get(bucket) ?? empty;
    return s.n !== a.n || s.s1 !== a.s1 || s.s2 !== a.s2;
  });
}

/**
 * Exact key differences restricted to the mismatched buckets, counted in SQL; only `$3` keys of
 * each kind come back, in byte order so the sample is the same on every machine.
 * Parameters: $1 = bucket count, $2 = mismatched buckets (int[]), $3 = sample size.
 */
export function bucketDiffSql(sourceQuery: string, processedQuery: string, quarantinedQuery: string): string {
  const inBuckets = `${bucketOf('(src.key)::text', '$1')} = any($2::int[])`;
  return `
    with s as (select distinct (src.key)::text as k from ${subquery(sourceQuery, 'sourceKeysQuery')} as src where src.key is not null and ${inBuckets}),
         a as (select (src.key)::text as k from ${subquery(processedQuery, 'processedKeysQuery')} as src where src.key is not null and ${inBuckets}
               union
               select (src.key)::text from ${subquery(quarantinedQuery, 'quarantinedKeysQuery')} as src where src.key is not null and ${inBuckets}),
         missing as (select k from s except select k from a),
         unexpected as (select k from a except select k from s)
    select (select count(*) from missing)::text as missing,
           (select count(*) from unexpected)::text as unexpected,
           array(select k from missing order by k collate "C" limit $3) as missing_sample,
           array(select k from unexpected order by k collate "C" limit $3) as unexpected_sample`;
}

/** Keys both processed and quarantined, in the given buckets. $1 = bucket count, $2 = buckets, $3 = sample size. */
export function doublySampleSql(processedQuery: string, quarantinedQuery: string): string {
  const inBuckets = `${bucketOf('(src.key)::text', '$1')} = any($2::int[])`;
  return `
    select k from (
      select (src.key)::text as k from ${subquery(processedQuery, 'processedKeysQuery')} as src where src.key is not null and ${inBuckets}
      intersect
      select (src.key)::text from ${subquery(quarantinedQuery, 'quarantinedKeysQuery')} as src where src.key is not null and ${inBuckets}) as both_sides
     order by k collate "C" limit $3`;
}
