/**
 * One row of the benchmark table (issue 8): a figure measured side by side with its anchor in one
 * run, each at least three times, reported as median and range.
 */
export interface Measured {
  /** Every repetition, in the unit named by `unit`. */
  samples: number[];
  unit: 'ms' | 'MB' | 'rows/s' | 'x';
}

export interface Figure {
  /** Short name printed in the first column, e.g. "zero-loss proof 10M rows". */
  name: string;
  /** This project's measurement. */
  project: Measured;
  /** What it is measured beside (the seed's procedure, DuckDB, a plain anti-join, …); absent when the goal is absolute. */
  anchor?: Measured & { label: string };
  /** The goal in words, e.g. "≤ 3 s", "≤ 100 ms", "≤ anchor". */
  goal: string;
  /** Whether the goal holds for the medians. */
  met: boolean;
  /** Anything a reader must know to trust the number (what was synthesised, what varied). */
  note?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `measure` `times` times, one after the other, and returns every result. */
export async function repeat(times: number, measure: (round: number) => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 1; round <= times; round++) samples.push(await measure(round));
  return samples;
}
