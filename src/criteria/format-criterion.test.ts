import { describe, expect, it } from 'vitest';
import { defaultCriteria, type MeasuredCriterion } from './criteria.ts';
import { criterionTitle, formatDuration, formatValue } from './format-criterion.ts';

describe('formatting', () => {
  it('durations read like the runbook', () => {
    expect([0, 45_000, 100_000, 119_000, 120_000, 299_500, 300_000].map(formatDuration)).toEqual(['0 s', '45 s', '1 m 40 s', '1 m 59 s', '2 min', '4 m 59.5 s', '5 min']);
  });

  it('values by unit', () => {
    expect([formatValue(60_000, 'ms'), formatValue(0.049, 'ratio'), formatValue(90, '%'), formatValue(512.25, 'MB'), formatValue(false, 'available')]).toEqual([
      '60 s',
      '4.9%',
      '90%',
      '512.25 MB',
      'unavailable',
    ]);
  });

  it('every measured default has a title carrying its threshold', () => {
    const titles = defaultCriteria.criteria.filter((c): c is MeasuredCriterion => c.signal !== null).map(criterionTitle);
    expect(titles).toEqual([
      'End-to-end latency > 60 s, sustained ≥ 2 min',
      'Memory (RSS) > 500 MB, sustained ≥ 2 min',
      'CPU > 90%, sustained ≥ 2 min',
      'Throughput of baseline < 50%, sustained ≥ 2 min',
      'KPI variance vs baseline > 5%',
      'Unexplained row loss > 0 rows',
      'Null-handling errors > 0',
      'Error rate > 5%',
      'DB connection failure rate > 10%',
      'Restarts ≥ 3 within 10 min',
      'Deadlocks > 0, sustained ≥ 2 min',
      'Blob storage unavailable > 5 min',
      'Database unavailable > 5 min',
      'Data source unavailable > 5 min',
    ]);
  });
});
