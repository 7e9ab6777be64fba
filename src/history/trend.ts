import { HarnessError } from '../errors.ts';
import type { HistoryEntry } from './history-entry.ts';
import type { TestStatus } from '../journal/journal-types.ts';

export interface TrendOptions {
  /** How many earlier runs the median is taken over (the issue: the last 7). */
  window?: number;
  /** A rollback slower than median × ratio is a regression (1.2: more than 20% slower). */
  ratio?: number;
  /** Fewer earlier measurements than this say nothing yet: one earlier run is not a baseline. */
  minBaseline?: number;
  /** How many runs, the current one included, the report shows. */
  limit?: number;
}

export const defaultTrendOptions = { window: 7, ratio: 1.2, minBaseline: 3, limit: 20 } as const;

export interface TrendPoint {
  runId: string;
  startedAt: string;
  status?: TestStatus;
  rollbackMs?: number;
}

export interface TestTrend {
  id: string;
  /** One per run shown, oldest first; status undefined where that run did not include the test. */
  points: TrendPoint[];
  current?: number;
  /** Median rollback of the last `window` earlier runs that measured one. */
  median?: number;
  baselineRuns: number;
  /** current / median. */
  change?: number;
  regression: boolean;
}

export interface Trend {
  environment: string;
  target: string;
  runs: Array<Pick<HistoryEntry, 'runId' | 'startedAt' | 'status'>>;
  tests: TestTrend[];
  window: number;
  ratio: number;
  minBaseline: number;
}

/** The options with their defaults; a HarnessError naming the bad one (checked before a run's history is touched). */
export function checkTrendOptions(options: TrendOptions = {}): Required<TrendOptions> {
  const all = { ...defaultTrendOptions, ...options };
  if (!(Number.isFinite(all.ratio) && all.ratio >= 1)) throw new HarnessError(`regression ratio must be a number ≥ 1 (1.2 = 20% slower), got ${all.ratio}`);
  for (const [name, value] of Object.entries({ window: all.window, minBaseline: all.minBaseline, limit: all.limit })) {
    if (!(Number.isInteger(value) && value >= 1)) throw new HarnessError(`trend ${name} must be a positive integer, got ${value}`);
  }
  return all;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The current run against the runs before it. Only runs of the same environment and target are
 * compared: a Docker rollback and a local-process one are different measurements. "Before" is
 * by start time, so re-rendering an old run's report shows the trend as it was then.
 */
export function buildTrend(history: readonly HistoryEntry[], current: HistoryEntry, options: TrendOptions = {}): Trend {
  const { window, ratio, minBaseline, limit } = checkTrendOptions(options);
  const startedAt = Date.parse(current.startedAt);
  const earlier = history
    .filter((e) => e.environment === current.environment && e.target === current.target && e.runId !== current.runId && Date.parse(e.startedAt) < startedAt)
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const runs = [...earlier.slice(-(limit - 1)), current];
  const ids = [...new Set([...current.tests.map((t) => t.id), ...runs.flatMap((r) => r.tests.map((t) => t.id))])];
  const tests = ids.map((id): TestTrend => {
    const points = runs.map((run): TrendPoint => {
      const test = run.tests.find((t) => t.id === id);
      return { runId: run.runId, startedAt: run.startedAt, ...(test ? { status: test.status } : {}), ...(test?.rollbackMs === undefined ? {} : { rollbackMs: test.rollbackMs }) };
    });
    const baseline = earlier
      .map((run) => run.tests.find((t) => t.id === id)?.rollbackMs)
      .filter((ms): ms is number => ms !== undefined)
      .slice(-window);
    const now = current.tests.find((t) => t.id === id)?.rollbackMs;
    const mid = baseline.length >= minBaseline ? median(baseline) : undefined;
    const change = now !== undefined && mid !== undefined && mid > 0 ? now / mid : undefined;
    return {
      id,
      points,
      ...(now === undefined ? {} : { current: now }),
      ...(mid === undefined ? {} : { median: mid }),
      baselineRuns: baseline.length,
      ...(change === undefined ? {} : { change }),
      regression: change !== undefined && change > ratio,
    };
  });
  return {
    environment: current.environment,
    target: current.target,
    runs: runs.map(({ runId, startedAt, status }) => ({ runId, startedAt, status })),
    tests,
    window,
    ratio,
    minBaseline,
  };
}
