import { HarnessError, errorMessage } from '../../errors.ts';
import { redactedFor, type Queryable } from '../pg-session.ts';
import { describeQuery, planHashes } from './describe.ts';
import { emptyKeyDiff, type Finding, type KeyCounts, type SampledRow } from './key-diff.ts';

export type { SampledRow } from './key-diff.ts';
import { keyDiffOneDatabase, keyDiffTwoDatabases, sampleValues, type Pools } from './key-level.ts';
import { openSessions, type DatabaseSessions } from './sessions.ts';
import { addSummaries, bucketRow, EMPTY, mismatchedBuckets, sideBuckets, summariesAgree, type Summary } from './summaries.ts';
import {
  bucketSummarySql,
  diffShape,
  keyOnlyHashesSql,
  memberBitmap,
  repeatedBucketsSql,
  wholeSummarySql,
  type HashPlan,
  type KeyOnlyMembers,
  type PlannedQuery,
} from './summary-sql.ts';

/** One query of a side, tagged: `processed`, `quarantined`. */
export interface TaggedQuery {
  /** Names the query in results (per-tag counts) and errors; unique within its side. */
  tag: string;
  /** Returns a column `key` and, unless `values` is false, every value column. */
  sql: string;
  /** Whether it returns the value columns (default true). A key-only query (quarantined records) is compared by key alone. */
  values?: boolean;
  /** Names it in errors (default `<side> <tag> query`), e.g. the config setting it comes from. */
  what?: string;
}

/** One side of a comparison: one or more queries on one database, compared as the multiset union of their rows. */
export interface ComparedSide {
  /** For results and errors: `source`, `V1`, `V2`. */
  name: string;
  /** A DSN (connections opened and closed here) or one client (used as is, in its current transaction state). */
  target: string | Queryable;
  queries: TaggedQuery[];
}

export type Multiplicity = 'compared' | 'checked';

export interface CompareOptions {
  /** Value columns every value-carrying query returns (default none: keys only). */
  valueColumns?: readonly string[];
  /** Key-hash buckets (default 256): at most this many summary rows per query leave the database. */
  buckets?: number;
  /** At most this many keys in each sample (default 10). */
  sampleSize?: number;
  /**
   * 'compared' (default): a key's occurrences are counted on both sides and must be equal, so a key
   * repeated on one side is found wherever the other side does not repeat it the same number of
   * times. 'checked': also every key repeated on the left side, by one sort of the left side's key
   * hashes beside the summaries (measured, accounting of 10M source records: 6.7–7.0 s instead of
   * 2.2–2.6 s; with a hash aggregate instead of the sort, 17 s).
   */
  multiplicity?: Multiplicity;
  /** Starts the message of an error (default `comparison of <left> with <right>`): "record accounting". */
  what?: string;
  /**
   * Key-only rows opposite value-carrying queries (quarantined records) up to this many (default
   * 1,000,000) have their key hashes fetched into Node (≈ 30 bytes each) and tested by a bitmap and
   * a hashed lookup; above it, the summaries join the key-only queries instead (slower, bounded memory).
   */
  keyOnlyHashesMax?: number;
}

export interface KeyFinding {
  count: number;
  /** At most sampleSize keys, in key order (int8 or byte order). */
  sample: string[];
}

/** A key and how many times it occurs in each query of its side that holds it. */
export interface KeyOccurrences {
  key: string;
  occurrences: Record<string, number>;
}

export interface OccurrenceFinding {
  count: number;
  sample: KeyOccurrences[];
}

export interface RepeatedFinding extends OccurrenceFinding {
  /** Per tag: keys occurring more than once in that query (a key processed twice). */
  withinTag: Record<string, OccurrenceFinding>;
  /** Keys occurring in more than one query of the side (processed and quarantined). */
  acrossTags: OccurrenceFinding;
}

export interface ValueFinding {
  /** Keys on both sides whose value hashes differ (only queries with values count). */
  count: number;
  sample: Array<{ key: string; left: SampledRow[]; right: SampledRow[] }>;
}

export interface SideTotals {
  name: string;
  /** Rows of all its queries. */
  rows: number;
  /** Rows whose key is null: no row of the other side can match them, so they are counted, never dropped. */
  nullKeys: number;
  byTag: Record<string, { rows: number; nullKeys: number }>;
}

export interface SideComparison {
  /** True only when nothing below differs, no key is null, and every bucket agrees. */
  equal: boolean;
  left: SideTotals;
  right: SideTotals;
  /** Keys on the left, not on the right. Exact. */
  onlyLeft: KeyFinding;
  /** Keys on the right, not on the left. Exact. */
  onlyRight: KeyFinding;
  /** Keys occurring more than once on a side: exact where the sides differ (and everywhere on the left with multiplicity 'checked'). */
  repeated: { left: RepeatedFinding; right: RepeatedFinding };
  valueMismatches: ValueFinding;
  valueColumns: string[];
  multiplicity: Multiplicity;
  buckets: { total: number; mismatched: number };
  /** Rows brought into Node by every statement together. */
  rowsFetched: number;
  durationMs: number;
}

/**
 * Compares two multisets of rows (key + typed values), each the union of one side's queries, in
 * the database, data-diff style:
 *
 * 1. every query is summarised whole (summary-sql.ts), each on its own connection at the same time
 *    (the connections of one database share one snapshot, sessions.ts); when the sides' sums agree,
 *    that is the proof, after one scan of each query, and one row per query leaves the database;
 * 2. otherwise every query is summarised per key-hash bucket and the buckets are compared here;
 * 3. only the mismatched buckets are diffed key by key: in one statement when both sides are on one
 *    database (the same DSN, or the same client: one row comes back), else by streaming each side's
 *    keys of those buckets with COPY, ordered by (hash, key), and merging them here (memory: a
 *    network buffer per side; rows fetched: every distinct key of the mismatched buckets, on each
 *    side — in the worst case every bucket differs and that is every key: 1M source records with
 *    1% of them missing from the other side took 9.8 s on one database and 16.8 s across two,
 *    2.0M rows streamed, measured on a loaded machine);
 * 4. the values of the sampled value mismatches are fetched for those keys alone.
 *
 * Counts are exact: a bucket whose sums agree holds the same rows on both sides (up to a 2^-64
 * chance), so every difference lies in a mismatched bucket — except keys repeated identically on
 * both sides, which only multiplicity 'checked' finds. `equal` is true only when no bucket differs,
 * no difference was found and no key is null.
 *
 * A key-only query on one side (`values: false`) opposite value-carrying queries needs both sides on
 * one database: the other side's rows of its keys are then summarised without their values.
 */
export async function compareSides(left: ComparedSide, right: ComparedSide, options: CompareOptions = {}): Promise<SideComparison> {
  const config = validate(left, right, options);
  const started = performance.now();
  const sameDatabase = left.target === right.target;
  // The exact multiplicity scan runs beside the summaries, on a connection of its own.
  const checking = config.multiplicity === 'checked' ? 1 : 0;
  const pools: DatabaseSessions[] = [];
  try {
    if (sameDatabase) {
      const pool = await openSessions(left.target, left.queries.length + right.queries.length + checking);
      pools.push(pool, pool);
    } else {
      pools.push(...(await Promise.all([openSessions(left.target, left.queries.length + checking), openSessions(right.target, right.queries.length)])));
    }
    const result = await compareOn({ left: pools[0]!, right: pools[1]! }, left, right, config, sameDatabase);
    const rowsFetched = pools[0]!.rowsFetched + (sameDatabase ? 0 : pools[1]!.rowsFetched);
    return { ...result, rowsFetched, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (error instanceof HarnessError) throw error;
    throw new Error(redact(left, right, `${options.what ?? `comparison of ${left.name} with ${right.name}`} failed: ${errorMessage(error)}`));
  } finally {
    await Promise.all([...new Set(pools)].map((p) => p.close()));
  }
}

function redact(left: ComparedSide, right: ComparedSide, text: string): string {
  for (const side of [left, right]) if (typeof side.target === 'string') text = redactedFor(side.target, text);
  return text;
}

interface Config {
  valueColumns: string[];
  buckets: number;
  sampleSize: number;
  multiplicity: Multiplicity;
  keyOnlyHashesMax: number;
}

function validate(left: ComparedSide, right: ComparedSide, options: CompareOptions): Config {
  const config: Config = {
    valueColumns: [...(options.valueColumns ?? [])],
    buckets: options.buckets ?? 256,
    sampleSize: options.sampleSize ?? 10,
    multiplicity: options.multiplicity ?? 'compared',
    keyOnlyHashesMax: options.keyOnlyHashesMax ?? 1_000_000,
  };
  if (!(Number.isInteger(config.buckets) && config.buckets >= 1 && config.buckets <= 65_536))
    throw new HarnessError(`buckets must be an integer from 1 to 65536, got ${config.buckets}`);
  if (!(Number.isInteger(config.sampleSize) && config.sampleSize >= 0)) throw new HarnessError(`sampleSize must be a non-negative integer, got ${config.sampleSize}`);
  if (new Set(config.valueColumns).size !== config.valueColumns.length) throw new HarnessError(`valueColumns lists a column twice: ${config.valueColumns.join(', ')}`);
  if (config.valueColumns.includes('key')) throw new HarnessError('valueColumns cannot include key: the key is compared by itself');
  for (const side of [left, right]) {
    if (side.queries.length === 0) throw new HarnessError(`${side.name} has no query`);
    const tags = side.queries.map((q) => q.tag);
    if (new Set(tags).size !== tags.length) throw new HarnessError(`${side.name} has two queries tagged the same: ${tags.join(', ')}`);
    if (config.valueColumns.length > 0 && !side.queries.some((q) => q.values !== false)) {
      throw new HarnessError(`${side.name} has no query with values, so valueColumns (${config.valueColumns.join(', ')}) cannot be compared`);
    }
  }
  const keyOnly = (s: ComparedSide) => config.valueColumns.length > 0 && s.queries.some((q) => q.values === false);
  if ((keyOnly(left) || keyOnly(right)) && left.target !== right.target) {
    throw new HarnessError(`a key-only query (values: false) opposite queries with values needs both sides on one database (${left.name}, ${right.name})`);
  }
  return config;
}

type Result = Omit<SideComparison, 'rowsFetched' | 'durationMs'>;

async function compareOn(pools: Pools, left: ComparedSide, right: ComparedSide, config: Config, sameDatabase: boolean): Promise<Result> {
  const planned = (side: ComparedSide): PlannedQuery[] =>
    side.queries.map((q) => ({ what: q.what ?? `${side.name} ${q.tag} query`, sql: q.sql, values: config.valueColumns.length > 0 && q.values !== false }));
  const leftQ = planned(left);
  const rightQ = planned(right);
  const describe = (pool: DatabaseSessions, queries: PlannedQuery[]) => Promise.all(queries.map((q) => pool.use((c) => describeQuery(c, q))));
  const [leftD, rightD] = await Promise.all([describe(pools.left, leftQ), describe(pools.right, rightQ)]);
  const plan = planHashes([...leftD, ...rightD], config.valueColumns);
  const keyOnly = (queries: PlannedQuery[]) => (plan.values.length > 0 ? queries.filter((q) => !q.values) : []);
  // Fetched once per side, at the same time as the other side's summaries, and reused for the buckets.
  const members = {
    left: keyOnlyMembers(pools.right, plan, keyOnly(rightQ), config.keyOnlyHashesMax),
    right: keyOnlyMembers(pools.left, plan, keyOnly(leftQ), config.keyOnlyHashesMax),
  };

  // 1. Every query summarised whole, all at once; with 'checked', the left side's repeated keys too.
  const summarise = (pool: DatabaseSessions, queries: PlannedQuery[], against: Promise<Members>, params: unknown[], sql: (q: PlannedQuery, m: KeyOnlyMembers) => string) =>
    Promise.all(
      queries.map(async (q) => {
        const m = q.values ? await against : NO_MEMBERS;
        return pool.use(async (c) => (await c.query<Record<string, string>>(sql(q, m.members), [...params, ...m.params])).rows);
      }),
    );
  const whole = (pool: DatabaseSessions, queries: PlannedQuery[], against: Promise<Members>) =>
    summarise(pool, queries, against, [], (q, m) => wholeSummarySql(plan, q, m)).then((rows) => rows.map((r) => r[0]!));
  const repeatedScan =
    config.multiplicity === 'checked'
      ? pools.left.use(async (c) => (await c.query<{ bucket: number }>(repeatedBucketsSql(plan, leftQ), [config.buckets])).rows.map((r) => Number(r.bucket)))
      : Promise.resolve([]);
  const [leftWhole, rightWhole, repeatedBuckets] = await Promise.all([whole(pools.left, leftQ, members.left), whole(pools.right, rightQ, members.right), repeatedScan]);
  const totals = (side: ComparedSide, rows: Record<string, string>[]): SideTotals => {
    const byTag = Object.fromEntries(side.queries.map((q, i) => [q.tag, { rows: Number(rows[i]!.rows), nullKeys: Number(rows[i]!.rows) - Number(rows[i]!.n) }]));
    const all = Object.values(byTag);
    return { name: side.name, rows: all.reduce((s, t) => s + t.rows, 0), nullKeys: all.reduce((s, t) => s + t.nullKeys, 0), byTag };
  };
  const sum = (rows: Record<string, string>[]): Summary => rows.map((r) => ({ n: Number(r.n), s: r.s! })).reduce(addSummaries, EMPTY);
  const base = { left: totals(left, leftWhole), right: totals(right, rightWhole), valueColumns: config.valueColumns, multiplicity: config.multiplicity };

  // 2. Where they differ, the same summaries per bucket say where.
  let mismatched: number[] = [];
  if (!summariesAgree(sum(leftWhole), sum(rightWhole))) {
    const buckets = (pool: DatabaseSessions, queries: PlannedQuery[], against: Promise<Members>) =>
      summarise(pool, queries, against, [config.buckets], (q, m) => bucketSummarySql(plan, q, m)).then((perQuery) => perQuery.map((rows) => rows.map(bucketRow)));
    const [l, r] = await Promise.all([buckets(pools.left, leftQ, members.left), buckets(pools.right, rightQ, members.right)]);
    mismatched = mismatchedBuckets(sideBuckets(l), sideBuckets(r));
  }
  const examined = [...new Set([...mismatched, ...repeatedBuckets])].sort((a, b) => a - b);

  // 3. Key by key, in those buckets only.
  const shape = diffShape(plan, leftQ, rightQ);
  const diff =
    examined.length === 0
      ? emptyKeyDiff(shape)
      : sameDatabase
        ? await pools.left.use((c) => keyDiffOneDatabase(c, plan, leftQ, rightQ, { total: config.buckets, examined }, config.sampleSize))
        : await keyDiffTwoDatabases(pools, plan, leftQ, rightQ, { total: config.buckets, examined }, config.sampleSize);
  const found = diff.findings;

  // 4. The values of the sampled value mismatches, fetched for those keys alone.
  const valueKeys = found.value_mismatches!.sample.map((s) => s.key);
  const valueSample = valueKeys.length === 0 ? [] : await sampleValues(pools, plan, { side: left, queries: leftQ }, { side: right, queries: rightQ }, valueKeys);

  const tags = [...left.queries.map((q) => q.tag), ...right.queries.map((q) => q.tag)];
  const withOccurrences = (finding: Finding, indexes: number[]): OccurrenceFinding => ({
    count: finding.count,
    sample: finding.sample.map((s) => ({ key: s.key, occurrences: occurrences(s, indexes, tags) })),
  });
  const repeated = (side: 'left' | 'right'): RepeatedFinding => {
    const indexes = shape[side];
    return {
      ...withOccurrences(found[`repeated_${side}`]!, indexes),
      withinTag: Object.fromEntries(indexes.map((i) => [tags[i]!, withOccurrences(found[`repeated_in_${i}`]!, indexes)])),
      acrossTags: withOccurrences(found[`across_${side}`]!, indexes),
    };
  };
  const keys = (finding: Finding): KeyFinding => ({ count: finding.count, sample: finding.sample.map((s) => s.key) });
  const result: Result = {
    ...base,
    equal: false,
    onlyLeft: keys(found.only_left!),
    onlyRight: keys(found.only_right!),
    repeated: { left: repeated('left'), right: repeated('right') },
    valueMismatches: { count: found.value_mismatches!.count, sample: valueSample },
    buckets: { total: config.buckets, mismatched: mismatched.length },
  };
  const differences = ['only_left', 'only_right', 'repeated_left', 'repeated_right', 'value_mismatches'].reduce((n, name) => n + found[name]!.count, 0);
  result.equal = mismatched.length === 0 && differences === 0 && base.left.nullKeys === 0 && base.right.nullKeys === 0;
  return result;
}

/** Key-only rows opposite a value-carrying query, and the parameters their test needs (summary-sql.ts KeyOnlyMembers). */
interface Members {
  members: KeyOnlyMembers;
  params: unknown[];
}

const NO_MEMBERS: Members = { members: { kind: 'none' }, params: [] };

async function keyOnlyMembers(pool: DatabaseSessions, plan: HashPlan, queries: PlannedQuery[], max: number): Promise<Members> {
  if (queries.length === 0) return NO_MEMBERS;
  const { rows } = await pool.use((c) => c.query<{ n: number; hashes: string; low: string }>(keyOnlyHashesSql(plan, queries, max)));
  const { n, hashes, low } = rows[0]!;
  if (n > max) return { members: { kind: 'join', queries }, params: [] };
  const bitmap = memberBitmap(low, n);
  return { members: { kind: 'hashes', bitmapBits: bitmap.bits }, params: [bitmap.bytes, hashes] };
}

function occurrences(s: KeyCounts, indexes: number[], tags: string[]): Record<string, number> {
  return Object.fromEntries(indexes.filter((i) => s.counts[i]! > 0).map((i) => [tags[i]!, s.counts[i]!]));
}
