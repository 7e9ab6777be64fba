import { describe, expect, it } from 'vitest';
import { metricFields, select, telemetryMetricsSchema } from './telemetry-metrics.ts';

const mapping = telemetryMetricsSchema.parse({
  counters: {
    transactions: 'abaco_batches_total',
    errors: 'abaco_batches_total{status="failed"}',
    dbConnectAttempts: 'abaco_db_connection_attempts_total',
    dbConnectFailures: 'abaco_db_connection_failures_total',
  },
  gauges: { latency: 'abaco_run_duration_seconds', throughputRowsPerSec: 'abaco_rows_per_second' },
});

describe('select', () => {
  const metrics = { 'abaco_batches_total{status="committed"}': 7, 'abaco_batches_total{status="failed"}': 2, up: 1 };
  it('sums every series of a bare name, picks one series by its key, and adds a list', () => {
    expect(select(metrics, 'abaco_batches_total')).toBe(9);
    expect(select(metrics, 'abaco_batches_total{status="failed"}')).toBe(2);
    expect(select(metrics, ['up', 'abaco_batches_total{status="failed"}'])).toBe(3);
  });
  it('is undefined for a series the scrape does not have', () => {
    expect(select(metrics, 'nothing_total')).toBeUndefined();
  });
});

describe('metricFields', () => {
  it('turns counters into per-interval increases and reads gauges as they are', () => {
    const previous = {
      'abaco_batches_total{status="committed"}': 10,
      'abaco_batches_total{status="failed"}': 1,
      abaco_db_connection_attempts_total: 20,
      abaco_db_connection_failures_total: 0,
    };
    const current = {
      'abaco_batches_total{status="committed"}': 14,
      'abaco_batches_total{status="failed"}': 2,
      abaco_db_connection_attempts_total: 30,
      abaco_db_connection_failures_total: 3,
      abaco_run_duration_seconds: 2.5,
      abaco_rows_per_second: 900,
    };
    expect(metricFields(mapping, current, previous)).toEqual({
      transactions: 5,
      errors: 1,
      dbConnectAttempts: 10,
      dbConnectFailures: 3,
      latencyMs: 2500,
      throughputRowsPerSec: 900,
    });
  });

  it('counts a counter that went down (a restarted process) from zero, and the first scrape whole', () => {
    expect(metricFields(mapping, { 'abaco_batches_total{status="failed"}': 1 }, { 'abaco_batches_total{status="failed"}': 5 })).toMatchObject({ errors: 1 });
    expect(metricFields(mapping, { abaco_db_connection_attempts_total: 4 }, undefined)).toEqual({ dbConnectAttempts: 4 });
  });

  it('never reports a part above its whole', () => {
    const fields = metricFields(mapping, { abaco_db_connection_attempts_total: 3, abaco_db_connection_failures_total: 5 }, undefined);
    expect(fields).toEqual({ dbConnectAttempts: 5, dbConnectFailures: 5 });
  });
});
