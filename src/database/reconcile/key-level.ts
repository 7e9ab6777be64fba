import type { Queryable } from '../pg-session.ts';
import { copyFields, findingNames, keyOrder, KeyTally, mergeKeyStreams, type KeyCounts, type KeyDiff, type SampledRow, type SideKey } from './key-diff.ts';
import type { DatabaseSessions } from './sessions.ts';
import { diffShape, keyDiffSql, sampleValuesSql, sideKeysSql, type HashPlan, type PlannedQuery } from './summary-sql.ts';

/** The key-level phase of a comparison (compare-sides.ts, step 3) and its value samples (step 4). */

export type Pools = { left: DatabaseSessions; right: DatabaseSessions };

/** Which buckets to diff key by key, of how many. */
export interface Buckets {
  total: number;
  examined: number[];
}

/** Both sides on one database: one statement, one row of counts and samples (summary-sql.ts keyDiffSql). */
export async function keyDiffOneDatabase(client: Queryable, plan: HashPlan, leftQ: PlannedQuery[], rightQ: PlannedQuery[], buckets: Buckets, sampleSize: number): Promise<KeyDiff> {
  const { rows } = await client.query<Record<string, unknown>>(keyDiffSql(plan, leftQ, rightQ), [buckets.total, buckets.examined, sampleSize]);
  const row = rows[0]!;
  const names = findingNames(diffShape(plan, leftQ, rightQ));
  const sample = (value: unknown): KeyCounts[] => (value as Array<[string, number[]]>).map(([key, counts]) => ({ key, counts }));
  return { keys: Number(row.keys), findings: Object.fromEntries(names.map((name) => [name, { count: Number(row[name]), sample: sample(row[`${name}_sample`]) }])) };
}

/**
 * Two databases: each side's keys of the examined buckets streamed by COPY, ordered by (hash, key),
 * and merged here. Rows fetched: every distinct key of those buckets, per side; memory: one batch.
 */
export async function keyDiffTwoDatabases(pools: Pools, plan: HashPlan, leftQ: PlannedQuery[], rightQ: PlannedQuery[], buckets: Buckets, sampleSize: number): Promise<KeyDiff> {
  const order = keyOrder(plan.key);
  const tally = new KeyTally(diffShape(plan, leftQ, rightQ), sampleSize, order);
  const stream = (pool: DatabaseSessions, queries: PlannedQuery[]) => sideKeys(pool.copyLines(sideKeysSql(plan, queries, buckets.total, buckets.examined)), queries.length);
  return mergeKeyStreams(stream(pools.left, leftQ), stream(pools.right, rightQ), tally, order);
}

async function* sideKeys(lines: AsyncIterable<string>, queries: number): AsyncGenerator<SideKey> {
  for await (const line of lines) {
    const fields = copyFields(line);
    yield { kh: fields[0]!, key: fields[1]!, counts: fields.slice(2, 2 + queries).map(Number), vmin: fields[2 + queries]!, vmax: fields[3 + queries]! };
  }
}

/** The value columns of both sides' rows of the given keys, from every value-carrying query, as text. */
export async function sampleValues(
  pools: Pools,
  plan: HashPlan,
  left: { side: { queries: ReadonlyArray<{ tag: string }> }; queries: PlannedQuery[] },
  right: { side: { queries: ReadonlyArray<{ tag: string }> }; queries: PlannedQuery[] },
  keys: string[],
): Promise<Array<{ key: string; left: SampledRow[]; right: SampledRow[] }>> {
  const fetch = (pool: DatabaseSessions, { side, queries }: typeof left) =>
    Promise.all(
      queries.map(async (q, i) => {
        if (!q.values) return [];
        const { rows } = await pool.use((c) => c.query<Record<string, string | null>>(sampleValuesSql(plan, q), [keys]));
        return rows.map((row) => ({
          key: String(row.key),
          row: { tag: side.queries[i]!.tag, values: Object.fromEntries(plan.values.map((v, j) => [v.name, row[`v${j}`] ?? null])) },
        }));
      }),
    );
  const [l, r] = await Promise.all([fetch(pools.left, left), fetch(pools.right, right)]);
  const rowsOf = (found: Array<Array<{ key: string; row: SampledRow }>>, key: string) =>
    found
      .flat()
      .filter((f) => f.key === key)
      .map((f) => f.row);
  return keys.map((key) => ({ key, left: rowsOf(l, key), right: rowsOf(r, key) }));
}
