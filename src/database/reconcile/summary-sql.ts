import { quoteIdent } from '../identifiers.ts';
import { subquery } from '../subquery.ts';
import { hashSql, keySql, type HashFamily, type KeyFamily } from './column-types.ts';

/**
 * The SQL of a multiset comparison (compare-sides.ts). Every configured query is read through one
 * derived table, `hashed`, that gives each row:
 *
 *   k   the key as compared (int8, or text collated "C");
 *   kh  a 64-bit hash of it (null for a null key);
 *   vh  a 64-bit hash of the row's value columns, each hashed typed (column-types.ts) with a seed
 *       of its own position and combined by xor: 0 for a query that carries no values.
 *
 * A set of rows is summarised by its row count, its keyed rows `n` and `s` = Σ of a 64-bit hash of
 * each keyed row: kh alone when keys are compared without values, hashint8extended(kh, vh) with
 * them. The sum is exact (PostgreSQL accumulates int8 sums in 128 bits), additive and independent
 * of row order, so one pass with no sort or hash table summarises any query, and the summaries of
 * two queries add up to the summary of their union. A difference between two sets of rows escapes
 * it only if the hashes of what differs happen to sum to zero: probability 2^-64. Sums, unlike xor
 * or distinct counts, see multiplicity: a key read twice adds its hash twice and 2 to n, so a key
 * processed twice cannot look like a key processed once. (One sum, not two: a second one cost
 * 10–20% more CPU per row, measured, for a probability already negligible.)
 *
 * `hashed` computes kh and vh once per row and keeps the plan parallel: a subquery whose output
 * list names a volatile function is not flattened into the aggregates above it (which would
 * evaluate the key expression once per use), and `case when false then clock_timestamp() end` is
 * such a function to the flattening test, yet folds to a constant null before execution: the fence
 * costs nothing per row; the projection it keeps (kh and vh computed once, then read by the
 * aggregates) costs ~10% of summing one key hash inline, measured. (offset 0, the usual fence,
 * would also forbid parallel workers.)
 */

/** The hash plan shared by every query of a comparison. */
export interface HashPlan {
  key: KeyFamily;
  /** Value columns, in their configured order, each with the family it hashes in. */
  values: ReadonlyArray<{ name: string; family: HashFamily }>;
}

/** A configured query as the SQL builders see it. */
export interface PlannedQuery {
  /** Name for errors ("sourceKeysQuery", "V1 processed"). */
  what: string;
  sql: string;
  /** Whether its rows carry the value columns (false: key only). */
  values: boolean;
}

const KEY_SEED = 1;
/** Each value column's seed is its position + this, so that swapping two columns' values changes the hash. */
const VALUE_SEED = 101;
/** kh masked to 63 bits before `%`, so that a negative hash still falls in a bucket 0..n-1. */
const POSITIVE = '9223372036854775807';

/**
 * The hash standing for a null value in column position i. A null must differ from every value
 * (hashes of real values are spread over all of int8, so a fixed constant collides with one of
 * them with probability 2^-64) and from a null in another column (hence one constant per position).
 */
export function nullMark(position: number): string {
  // splitmix64 of the position: fixed, unrelated constants, stated as int8 literals.
  let z = (BigInt(position) + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  z ^= z >> 31n;
  return BigInt.asIntN(64, z).toString();
}

function keyHashSql(plan: HashPlan, keyExpr: string): string {
  return plan.key === 'integer' ? `hashint8extended(${keyExpr}, ${KEY_SEED})` : `hashtextextended(${keyExpr}, ${KEY_SEED})`;
}

function valueHashSql(plan: HashPlan, carriesValues: boolean): string {
  if (!carriesValues || plan.values.length === 0) return '0::int8';
  return plan.values.map((v, i) => `coalesce(${hashSql(v.family, `src.${quoteIdent(v.name)}`, String(VALUE_SEED + i))}, ${nullMark(i)})`).join(' # ');
}

/** The derived table `hashed` (k, kh, vh) over one configured query. */
export function hashedSql(plan: HashPlan, query: PlannedQuery): string {
  const k = keySql(plan.key, 'src.key');
  return `(select ${k} as k, ${keyHashSql(plan, k)} as kh, ${valueHashSql(plan, query.values)} as vh,
                  case when false then clock_timestamp() end as fence
             from ${subquery(query.sql, query.what)} as src) as hashed`;
}

/** SQL for the bucket of a key hash; `bucketsParam` holds the bucket count. */
export function bucketSql(kh: string, bucketsParam: string): string {
  return `((${kh} & ${POSITIVE}) % ${bucketsParam})::int`;
}

/**
 * Where a value-carrying query's rows meet key-only rows on the other side (a source record that
 * was quarantined: its source row has values, its quarantine row none), they are summarised without
 * their values, like the key-only rows, so that the two summaries can agree; the key-level diff
 * still compares values wherever both sides have some. Whether a row's key is among the key-only
 * rows is asked of either
 * - `hashes`: two parameters built from those rows' key hashes (fetched first, keyOnlyHashesSql):
 *   a bitmap of their low bits, then the hashes themselves as an int8[]. PostgreSQL plans a
 *   statement with its parameters' values, so `= any` of the array is a hashed lookup; the bitmap
 *   (get_bit, cheaper) lets ~95% of the rows skip it. Measured on 10M source rows, single process:
 *   +0.5–0.8 s of CPU with the lookup alone, +0.3–0.5 s with the bitmap in front; a hashed subplan
 *   over the queries cost more than either.
 * - `join`: the key-only queries themselves, hash-joined (distinct hashes), when they hold too many
 *   keys to be fetched; a join, unlike a subplan, stays hashed whatever its size (it spills).
 */
export type KeyOnlyMembers = { kind: 'none' } | { kind: 'hashes'; bitmapBits: number } | { kind: 'join'; queries: readonly PlannedQuery[] };

/** The rows summarised, as `hashed` (kh, vh), with the key-only members joined when asked. */
function summarisedRows(plan: HashPlan, query: PlannedQuery, members: KeyOnlyMembers): string {
  if (members.kind !== 'join' || !query.values || plan.values.length === 0) return hashedSql(plan, query);
  const keys = members.queries.map((q) => `select kh from ${hashedSql(plan, q)} where kh is not null`).join(' union ');
  return `${hashedSql(plan, query)} left join (${keys}) as member on member.kh = hashed.kh`;
}

/** The 64-bit hash a keyed row adds to the summary. `param` is the number of the first member parameter (bitmap, then hashes). */
function rowHash(plan: HashPlan, query: PlannedQuery, members: KeyOnlyMembers, param: number): string {
  if (plan.values.length === 0) return 'hashed.kh';
  if (!query.values || members.kind === 'none') return 'hashint8extended(hashed.kh, hashed.vh)';
  const member =
    members.kind === 'hashes' ? `get_bit($${param}::bytea, (hashed.kh & ${members.bitmapBits - 1})::int) = 1 and hashed.kh = any($${param + 1}::int8[])` : 'member.kh is not null';
  return `hashint8extended(hashed.kh, case when ${member} then 0 else hashed.vh end)`;
}

/** The low bits kept of each key-only hash for the bitmap: enough for its largest size. */
const BITMAP_MAX_BITS = 2 ** 26;

/**
 * The key hashes of the given key-only queries: how many (at most `limit` + 1 are read, so that a
 * count above `limit` says "too many to fetch" without fetching them), the hashes as an int8[]
 * (text), and their low bits as an int[] (text) for the bitmap (memberBitmap).
 */
export function keyOnlyHashesSql(plan: HashPlan, queries: readonly PlannedQuery[], limit: number): string {
  const hashes = queries.map((q) => `select kh from ${hashedSql(plan, q)} where kh is not null`).join('\n union all\n');
  return `select count(*)::int as n, coalesce(array_agg(kh), '{}')::text as hashes, coalesce(array_agg((kh & ${BITMAP_MAX_BITS - 1})::int), '{}')::text as low
            from (${hashes} limit ${Math.floor(limit) + 1}) as members`;
}

/**
 * The bitmap of `count` key-only hashes from their low bits (keyOnlyHashesSql `low`): bit
 * (hash & bits-1) set, numbered as get_bit numbers them (bit 0 = lowest bit of the first byte).
 * 16 bits per hash (a false positive for ~6% of the other rows), a power of two from 2^16 to 2^26.
 */
export function memberBitmap(low: string, count: number): { bits: number; bytes: Buffer } {
  const bits = Math.min(BITMAP_MAX_BITS, Math.max(2 ** 16, 2 ** Math.ceil(Math.log2(Math.max(1, count) * 16))));
  const bytes = Buffer.alloc(bits / 8);
  const inner = low.replace(/^\{|\}$/g, '');
  if (inner.length > 0) {
    for (const text of inner.split(',')) {
      const bit = Number(text) & (bits - 1);
      bytes[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  return { bits, bytes };
}

/**
 * One query summarised whole, in one row: rows (all), n (keyed rows), s — as text, since the
 * sum exceeds JavaScript's integers. With members of kind 'hashes', parameters $1 and $2 hold them.
 */
export function wholeSummarySql(plan: HashPlan, query: PlannedQuery, members: KeyOnlyMembers = { kind: 'none' }): string {
  return `
    select count(*)::text as rows, count(hashed.kh)::text as n, coalesce(sum(${rowHash(plan, query, members, 1)}), 0)::text as s
      from ${summarisedRows(plan, query, members)}`;
}

/** One query summarised per key-hash bucket (keyed rows only): bucket, n, s. Parameter $1 = bucket count ($2, $3: members). */
export function bucketSummarySql(plan: HashPlan, query: PlannedQuery, members: KeyOnlyMembers = { kind: 'none' }): string {
  return `
    select ${bucketSql('hashed.kh', '$1')} as bucket, count(*)::text as n, sum(${rowHash(plan, query, members, 2)})::text as s
      from ${summarisedRows(plan, query, members)}
     where hashed.kh is not null
     group by 1`;
}

/** Occurrences of the given queries in the buckets `bucketList` (of `bucketCount`), each tagged with its index `q`. */
function occurrencesSql(plan: HashPlan, queries: readonly PlannedQuery[], bucketCount = '$1', bucketList = '$2::int[]'): string {
  return queries
    .map(
      (query, i) => `select ${i} as q, k, kh, vh from ${hashedSql(plan, query)}
                         where kh is not null and ${bucketSql('kh', bucketCount)} = any(${bucketList})`,
    )
    .join('\n union all\n');
}

/** Per key: one count per query (c0, c1, …) and the smallest and largest value hash of the value rows of `valueGroups`. */
function perKeySql(queries: readonly PlannedQuery[], valueGroups: ReadonlyArray<{ name: string; indexes: number[] }>): string {
  const counts = queries.map((_, i) => `count(*) filter (where q = ${i}) as c${i}`);
  const ranges = valueGroups.flatMap(({ name, indexes }) => {
    const where = indexes.length > 0 ? `q in (${indexes.join(', ')})` : 'false';
    return [`min(vh) filter (where ${where}) as ${name}_min`, `max(vh) filter (where ${where}) as ${name}_max`];
  });
  return [...counts, ...ranges].join(', ');
}

/** Sum of the count columns of the given query indexes (0 when none). */
function countsOf(indexes: readonly number[]): string {
  return indexes.length > 0 ? indexes.map((i) => `c${i}`).join(' + ') : '0';
}

/** Number of the given queries in which a key occurs (0 when none). */
function queriesHolding(indexes: readonly number[]): string {
  return indexes.length > 0 ? indexes.map((i) => `(c${i} > 0)::int`).join(' + ') : '0';
}

/**
 * The kinds of key-level difference (key-diff.ts findingNames), as SQL conditions over a row with
 * the per-query counts c<i> and the value hash ranges of both sides (left_min … right_max).
 */
export function keyConditions(shape: DiffShape): Record<string, string> {
  const l = countsOf(shape.left);
  const r = countsOf(shape.right);
  const conditions: Record<string, string> = {
    only_left: `(${l}) > 0 and (${r}) = 0`,
    only_right: `(${l}) = 0 and (${r}) > 0`,
    repeated_left: `(${l}) > 1`,
    repeated_right: `(${r}) > 1`,
    across_left: `(${queriesHolding(shape.left)}) > 1`,
    across_right: `(${queriesHolding(shape.right)}) > 1`,
    value_mismatches:
      shape.leftValues.length > 0 && shape.rightValues.length > 0
        ? `(${countsOf(shape.leftValues)}) > 0 and (${countsOf(shape.rightValues)}) > 0 and (left_min <> right_min or left_max <> right_max)`
        : 'false',
  };
  for (const i of [...shape.left, ...shape.right]) conditions[`repeated_in_${i}`] = `c${i} > 1`;
  return conditions;
}

/**
 * The key-level diff of mismatched buckets when both sides are on one database, in one statement
 * returning one row. The occurrences of every query in those buckets are grouped by key once (one
 * hash aggregate); each key gets its count in every query, and the range of its value hashes on
 * each side. From that, for every kind of difference (keyConditions): its count, exact, and a
 * jsonb sample of at most $3 [key, [counts…]], in key order so that it is the same on every machine.
 * A sample is an init plan, run only when its count is not 0 (each reads all the grouped keys).
 * Parameters: $1 = bucket count, $2 = mismatched buckets (int[]), $3 = sample size.
 */
export function keyDiffSql(plan: HashPlan, left: readonly PlannedQuery[], right: readonly PlannedQuery[]): string {
  const all = [...left, ...right];
  const shape = diffShape(plan, left, right);
  const conditions = Object.entries(keyConditions(shape));
  const countsJson = `jsonb_build_array(${all.map((_, i) => `c${i}`).join(', ')})`;
  const sample = (where: string) =>
    `(select coalesce(jsonb_agg(jsonb_build_array(k::text, ${countsJson}) order by k), '[]') from (select * from keyed where ${where} order by k limit $3) as s)`;
  return `
    with keyed as (
           select k, ${perKeySql(all, [
             { name: 'left', indexes: shape.leftValues },
             { name: 'right', indexes: shape.rightValues },
           ])}
             from (${occurrencesSql(plan, all)}) as occurrences
            group by k)
    select keys::text, ${conditions.map(([name]) => `${name}::text`).join(', ')},
           ${conditions.map(([name, where]) => `case when ${name} > 0 then ${sample(where)} else '[]' end as ${name}_sample`).join(',\n           ')}
      from (select count(*) as keys, ${conditions.map(([name, where]) => `count(*) filter (where ${where}) as ${name}`).join(', ')}
              from keyed) as counted`;
}

/** Which query indexes are on which side, and which of them carry values. */
export interface DiffShape {
  left: number[];
  right: number[];
  leftValues: number[];
  rightValues: number[];
}

/** Left queries are indexes 0…left.length-1, the right ones follow. */
export function diffShape(plan: HashPlan, left: readonly PlannedQuery[], right: readonly PlannedQuery[]): DiffShape {
  const leftIdx = left.map((_, i) => i);
  const rightIdx = right.map((_, i) => left.length + i);
  const all = [...left, ...right];
  const valuesOf = (idx: number[]) => idx.filter((i) => all[i]!.values && plan.values.length > 0);
  return { left: leftIdx, right: rightIdx, leftValues: valuesOf(leftIdx), rightValues: valuesOf(rightIdx) };
}

/**
 * One side's keys in mismatched buckets, for a comparison across databases: per key, its hash, the
 * key as text, its count in each of the side's queries and the range of its value hashes, ordered
 * by (hash, key) — an int8 sort, cheaper than one by text — to be streamed by COPY (which, unlike
 * a cursor, keeps the plan parallel) and merged with the other side's in Node (key-diff.ts).
 * COPY takes no parameters: the bucket count and list are written in, as integers.
 */
export function sideKeysSql(plan: HashPlan, queries: readonly PlannedQuery[], bucketCount: number, buckets: readonly number[]): string {
  const ints = [bucketCount, ...buckets];
  if (!ints.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error(`internal: bucket numbers must be non-negative integers: ${ints.join(', ')}`);
  const values = queries.map((q, i) => (q.values && plan.values.length > 0 ? i : -1)).filter((i) => i >= 0);
  return `
    select kh, k::text as key, ${queries.map((_, i) => `c${i}`).join(', ')}, side_min as vmin, side_max as vmax
      from (select kh, k, ${perKeySql(queries, [{ name: 'side', indexes: values }])}
              from (${occurrencesSql(plan, queries, String(bucketCount), `'{${buckets.join(',')}}'::int[]`)}) as occurrences
             group by kh, k) as keyed
     order by kh, k`;
}

/**
 * The value columns of the rows of one query whose key is in $1 (an array of keys in their
 * compared type), as text for a person to read. Fetched for sampled keys only.
 */
export function sampleValuesSql(plan: HashPlan, query: PlannedQuery): string {
  const columns = plan.values.map((v, i) => `, (src.${quoteIdent(v.name)})::text as v${i}`).join('');
  return `
    select k::text as key${plan.values.map((_, i) => `, v${i}`).join('')}
      from (select ${keySql(plan.key, 'src.key')} as k${columns} from ${subquery(query.sql, query.what)} as src) as rows
     where k = any($1::${plan.key === 'integer' ? 'int8' : 'text'}[])
     order by k`;
}

/**
 * Buckets of the key hashes that occur more than once over the given queries (one side): the
 * exact multiplicity check. Sorts every keyed row's hash and compares it with the previous one: a
 * sort of the whole side (measured on 10M source rows: 4.7 s; grouping the hashes instead, 16 s),
 * so it is asked for, never done by default. Returns at most one row per bucket.
 * Parameter $1 = bucket count.
 */
export function repeatedBucketsSql(plan: HashPlan, queries: readonly PlannedQuery[]): string {
  const hashes = queries.map((q) => `select kh from ${hashedSql(plan, q)} where kh is not null`).join('\n union all\n');
  return `
    select distinct ${bucketSql('kh', '$1')} as bucket
      from (select kh, lag(kh) over (order by kh) as previous from (${hashes}) as occurrences) as sorted
     where kh = previous`;
}
