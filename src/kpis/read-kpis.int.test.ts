import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../fixtures/integration/pipeline-process.ts';
import type { KpiPoint } from './kpi-compare.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from '../database/ephemeral-postgres.ts';
import { seededReferenceDatabase, type ReferenceDatabase } from '../database/reference-pipeline.test-support.ts';
import type { KpiSource } from './kpi-source-schema.ts';
import { readKpis } from './read-kpis.ts';

let server: EphemeralPostgres;
let ref: ReferenceDatabase;
beforeAll(async () => {
  server = await startEphemeralPostgres();
  ref = await seededReferenceDatabase(server, 'kpis_ref', { loans: 2000 });
});
afterAll(async () => {
  await ref?.close();
  await server?.stop();
});

const sqlSource: KpiSource = { kind: 'sql', query: 'select as_of, segment, kpi, value, run_id from abaco.kpi_metrics' };
const parquetSource: KpiSource = { kind: 'parquet', dir: '{{outputDir}}/metrics', columns: { asOf: 'as_of', segment: 'segment', kpi: 'kpi', value: 'value' } };
const fill = (text: string) => text.replaceAll('{{outputDir}}', ref.outputDir);
const id = (p: KpiPoint) => `${p.asOf} ${p.segment} ${p.kpi}`;
const sorted = (points: KpiPoint[]) => [...points].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));

describe('reading the reference pipeline’s KPIs (real V2 runs, 2000 loans)', () => {
  it('gives the same points from kpi_metrics (SQL) and from the parquet outputs for the same run', async () => {
    const runId = ref.firstRun.runId;
    const [fromSql, fromParquet] = await Promise.all([
      readKpis(sqlSource, { dsn: ref.dsn, where: { run_id: runId } }),
      readKpis(parquetSource, { fill, where: { run_id: runId } }),
    ]);
    expect(fromSql).toHaveLength(12 * 5 * 8);
    expect(sorted(fromParquet)).toEqual(sorted(fromSql));
    expect(sorted(fromSql)[0]).toEqual({ asOf: '2024-01-31', segment: 'all', kpi: 'active_loans', value: expect.any(Number) });
    expect(new Set(fromSql.map((p) => p.asOf)).size).toBe(12);
  });

  it('normalises an as-of given as text or as a timestamp to the same day', async () => {
    const asDate = await readKpis(sqlSource, { dsn: ref.dsn });
    const asText = await readKpis({ kind: 'sql', query: `select to_char(as_of, 'YYYY-MM-DD') as as_of, segment, kpi, value from abaco.kpi_metrics;` }, { dsn: ref.dsn });
    const asTimestamp = await readKpis({ kind: 'sql', query: 'select as_of::timestamptz as as_of, segment, kpi, value from abaco.kpi_metrics' }, { dsn: ref.dsn });
    expect(sorted(asText)).toEqual(sorted(asDate));
    expect(sorted(asTimestamp)).toEqual(sorted(asDate));
    // A numeric value (node-postgres would hand it over as a string) arrives as a number.
    const asNumeric = sorted(await readKpis({ kind: 'sql', query: 'select as_of, segment, kpi, value::numeric(30, 6) as value from abaco.kpi_metrics' }, { dsn: ref.dsn }));
    sorted(asDate).forEach((point, i) => expect(asNumeric[i]!.value).toBeCloseTo(point.value!, 5));
  });

  it('after a second run that rewrote the latest as-of, the newest parquet file wins, matching the upserted table', async () => {
    await ref.v2.stop();
    // A skewed V2 makes the recomputed values differ from the first run's, so "newest wins" is visible.
    const skewed = await startPipeline('v2', { databaseUrl: ref.dsn, outputDir: ref.outputDir, env: { ABACO_V2_FAULTS: 'kpi-skew:10' } });
    await skewed.waitHealthy();
    const second = await skewed.runToCompletion();
    await skewed.stop();
    expect(second).toMatchObject({ status: 'succeeded', outputFiles: [`metrics/2024-12-31/${second.runId}.parquet`] });

    const [fromSql, fromParquet, firstRun] = await Promise.all([
      readKpis(sqlSource, { dsn: ref.dsn }),
      readKpis(parquetSource, { fill }),
      readKpis(parquetSource, { fill, where: { run_id: ref.firstRun.runId } }),
    ]);
    expect(sorted(fromParquet)).toEqual(sorted(fromSql));
    const latest = (points: KpiPoint[]) => sorted(points.filter((p) => p.asOf === '2024-12-31' && p.kpi === 'outstanding_principal' && p.segment === 'all'));
    const [now] = latest(fromParquet);
    const [then] = latest(firstRun);
    expect(now!.value).toBeCloseTo(then!.value! * 1.1, 6);
  });

  it('names the problem of a KPI query without printing the DSN password', async () => {
    await expect(readKpis({ kind: 'sql', query: 'select as_of, segment, kpi from abaco.kpi_metrics' }, { dsn: ref.dsn })).rejects.toThrow(
      'KPI query failed (it must return columns as_of, segment, kpi, value): column q.value does not exist',
    );
    const wrong = new URL(ref.dsn);
    wrong.password = 'wrong-secret-password';
    const error = await readKpis(sqlSource, { dsn: wrong.toString() }).catch((e: Error) => e);
    expect(String(error)).toContain('KPI query failed');
    expect(String(error)).not.toContain('wrong-secret-password');
  });
});
