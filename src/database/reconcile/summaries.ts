/**
 * Summaries of sets of rows (summary-sql.ts): keyed rows `n` and an exact sum of 64-bit row
 * hashes, as decimal text because it exceeds JavaScript's integers. Two multisets of (key, value)
 * rows are equal, up to a 2^-64 chance, when their summaries are; summaries of disjoint parts add up.
 */
export interface Summary {
  n: number;
  s: string;
}

export interface BucketSummary extends Summary {
  bucket: number;
}

export const EMPTY: Summary = { n: 0, s: '0' };

export function addSummaries(a: Summary, b: Summary): Summary {
  return { n: a.n + b.n, s: (BigInt(a.s) + BigInt(b.s)).toString() };
}

/** Agree when the counts and the hash sums are equal. */
export function summariesAgree(a: Summary, b: Summary): boolean {
  return a.n === b.n && BigInt(a.s) === BigInt(b.s);
}

/** The per-bucket summaries of one side, its queries' added up. */
export function sideBuckets(perQuery: ReadonlyArray<readonly BucketSummary[]>): Map<number, Summary> {
  const side = new Map<number, Summary>();
  for (const rows of perQuery) {
    for (const row of rows) side.set(row.bucket, addSummaries(side.get(row.bucket) ?? EMPTY, row));
  }
  return side;
}

/** Buckets whose summaries differ between the sides, in order (a bucket absent on one side is empty there). */
export function mismatchedBuckets(left: ReadonlyMap<number, Summary>, right: ReadonlyMap<number, Summary>): number[] {
  const all = [...new Set([...left.keys(), ...right.keys()])].sort((a, b) => a - b);
  return all.filter((bucket) => !summariesAgree(left.get(bucket) ?? EMPTY, right.get(bucket) ?? EMPTY));
}

/** A bucket summary row as the database returns it. */
export function bucketRow(row: Record<string, unknown>): BucketSummary {
  return { bucket: Number(row.bucket), n: Number(row.n), s: String(row.s) };
}
