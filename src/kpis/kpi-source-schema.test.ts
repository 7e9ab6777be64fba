import { describe, expect, it } from 'vitest';
import { kpiSourceSchema } from './kpi-source-schema.ts';

const columns = { asOf: 'as_of', segment: 'segment', kpi: 'kpi', value: 'value' };

describe('kpiSourceSchema', () => {
  it('accepts an SQL source and a parquet source with placeholders', () => {
    expect(kpiSourceSchema.parse({ kind: 'sql', query: 'select as_of, segment, kpi, value from abaco.kpi_metrics' }).kind).toBe('sql');
    expect(kpiSourceSchema.parse({ kind: 'parquet', dir: '{{outputDir}}/metrics', columns })).toEqual({ kind: 'parquet', dir: '{{outputDir}}/metrics', columns });
    expect(kpiSourceSchema.parse({ kind: 'parquet', dir: 'out', extension: '.parquet', columns })).toMatchObject({ extension: '.parquet' });
  });

  it('rejects unknown kinds, unknown keys, empty queries and incomplete column maps', () => {
    expect(kpiSourceSchema.safeParse({ kind: 'csv', dir: 'x' }).success).toBe(false);
    expect(kpiSourceSchema.safeParse({ kind: 'sql', query: 'select 1', dir: 'x' }).success).toBe(false);
    expect(kpiSourceSchema.safeParse({ kind: 'sql', query: '   ' }).success).toBe(false);
    expect(kpiSourceSchema.safeParse({ kind: 'parquet', dir: 'x', columns: { ...columns, value: undefined } }).success).toBe(false);
    expect(kpiSourceSchema.safeParse({ kind: 'parquet', dir: 'x', columns: { ...columns, extra: 'y' } }).success).toBe(false);
    expect(kpiSourceSchema.safeParse({ kind: 'parquet', dir: 'x', extension: '.csv', columns }).success).toBe(false);
  });
});
