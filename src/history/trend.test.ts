import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './history-entry.ts';
import { buildTrend, median } from './trend.ts';

let clock = Date.parse('2026-01-01T00:00:00Z');
function run(rollbackMs: number | undefined, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  clock += 60_000;
  const at = new Date(clock).toISOString();
  return {
    runId: `run-${clock}`,
    startedAt: at,
    finishedAt: at,
    environment: 'staging',
    target: 'process',
    status: 'passed',
    tests: [{ id: 'rollback-time', status: rollbackMs === undefined ? 'failed' : 'passed', ...(rollbackMs === undefined ? {} : { rollbackMs }) }],
    ...overrides,
  };
}

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});

describe('buildTrend', () => {
  it('flags a rollback more than 20% slower than the median of the last 7 earlier runs', () => {
    // The first two (10 s) fall out of the window of 7: the median is over 1000 ×4, 1100 ×3 → 1000.
    const earlier = [10_000, 10_000, 1000, 1100, 1000, 1100, 1000, 1100, 1000].map((ms) => run(ms));
    const slow = buildTrend(earlier, run(1201)).tests[0]!;
    expect(slow).toMatchObject({ id: 'rollback-time', median: 1000, baselineRuns: 7, current: 1201, regression: true });
    expect(slow.change).toBeCloseTo(1.201);
    expect(buildTrend(earlier, run(1200)).tests[0]).toMatchObject({ regression: false });
  });

  it('takes the ratio as an option', () => {
    const earlier = [1000, 1000, 1000].map((ms) => run(ms));
    expect(buildTrend(earlier, run(1400), { ratio: 1.5 }).tests[0]!.regression).toBe(false);
    expect(buildTrend(earlier, run(1600), { ratio: 1.5 }).tests[0]!.regression).toBe(true);
    expect(() => buildTrend(earlier, run(1), { ratio: 0.8 })).toThrow('regression ratio must be a number ≥ 1');
  });

  it('says nothing until there are enough earlier measurements', () => {
    const trend = buildTrend([run(100), run(100)], run(10_000)).tests[0]!;
    expect(trend).toMatchObject({ baselineRuns: 2, regression: false });
    expect(trend.median).toBeUndefined();
  });

  it('compares only runs of the same environment and target, started before this one', () => {
    const other = [1, 2, 3].map(() => run(100, { target: 'docker' }));
    const current = run(5000);
    const later = [1, 2, 3].map(() => run(100));
    const trend = buildTrend([...other, ...later], current);
    expect(trend.runs.map((r) => r.runId)).toEqual([current.runId]);
    expect(trend.tests[0]!.regression).toBe(false);
  });

  it('skips runs whose rollback did not complete when taking the median, and keeps their verdict', () => {
    const earlier = [run(1000), run(undefined), run(1000), run(1000)];
    const trend = buildTrend(earlier, run(2000));
    expect(trend.tests[0]).toMatchObject({ median: 1000, baselineRuns: 3, regression: true });
    expect(trend.tests[0]!.points.map((p) => p.status)).toEqual(['passed', 'failed', 'passed', 'passed', 'passed']);
  });

  it('ignores the current run if history already holds it (a report re-rendered)', () => {
    const earlier = [run(1000), run(1000), run(1000)];
    const current = run(1000);
    const trend = buildTrend([...earlier, current], current);
    expect(trend.runs.map((r) => r.runId)).toEqual([...earlier, current].map((r) => r.runId));
  });

  it('shows at most `limit` runs, the current one last', () => {
    const earlier = Array.from({ length: 30 }, () => run(1000));
    const current = run(1000);
    const trend = buildTrend(earlier, current, { limit: 5 });
    expect(trend.runs).toHaveLength(5);
    expect(trend.runs.at(-1)!.runId).toBe(current.runId);
  });
});
