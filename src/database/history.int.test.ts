import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../fixtures/integration/pipeline-process.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from './ephemeral-postgres.ts';
import { compareHistory, exportHistoryRows, snapshotHistory, type HistoryRow, type HistorySnapshot } from './history.ts';
import { seededReferenceDatabase, type ReferenceDatabase } from './reference-pipeline.test-support.ts';

let server: EphemeralPostgres;
let ref: ReferenceDatabase;
beforeAll(async () => {
  server = await startEphemeralPostgres();
  ref = await seededReferenceDatabase(server, 'history_ref', { loans: 2000 });
});
afterAll(async () => {
  await ref?.close();
  await server?.stop();
});

async function sql(text: string, values: unknown[] = []): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: ref.dsn });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

// Only the columns a rollback must not change: run_id, produced_by and computed_at are rewritten by
// any recomputation and are not "the metric".
const cfg = { query: 'select as_of, segment, kpi, value from abaco.kpi_metrics', periodColumn: 'as_of', keyColumns: ['as_of', 'segment', 'kpi'] };
const periodsOf = (snapshot: HistorySnapshot) => Object.keys(snapshot.periods).length;
const target = { as_of: '2024-06-30', segment: 'sme', kpi: 'outstanding_principal' };

describe('historical metrics of the reference pipeline (real V2 run, 2000 loans)', () => {
  let before: HistorySnapshot;
  let rows: HistoryRow[];

  it('snapshots every period in SQL and exports the rows as plain objects', async () => {
    const t0 = performance.now();
    [before, rows] = await Promise.all([snapshotHistory(ref.dsn, cfg), exportHistoryRows(ref.dsn, cfg)]);
    console.log(`history snapshot + export (concurrent sessions): ${Math.round(performance.now() - t0)} ms`);
    const periods = Object.keys(before.periods);
    expect(periods).toHaveLength(12);
    expect(periods[0]).toBe('2024-01-31');
    expect(periods.at(-1)).toBe('2024-12-31');
    expect(Object.values(before.periods).reduce((n, p) => n + p.rows, 0)).toBe(rows.length);
    expect(before.periods['2024-12-31']).toEqual({ rows: 5 * 8, hash: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(rows.length).toBe(480);
    expect(rows).toContainEqual({ ...target, value: expect.any(Number) });
    expect(Number.isNaN(Date.parse(before.takenAt))).toBe(false);
  });

  it('is intact when nothing changed', async () => {
    const result = await compareHistory(ref.dsn, cfg, before, rows);
    expect(result).toMatchObject({ intact: true, periodsCompared: 12, changedPeriods: [], missingPeriods: [], newPeriods: [], changedRows: [], changedRowCount: 0 });
    expect(result.after.periods).toEqual(before.periods);
    console.log(`history of ${rows.length} KPI rows in ${periodsOf(before)} periods: compared in ${result.durationMs} ms`);
  });

  it('names exactly the one historical row changed, with its values before and after; ignorePeriods leaves it out', async () => {
    const original = rows.find((r) => r.as_of === target.as_of && r.segment === target.segment && r.kpi === target.kpi)!.value as number;
    await sql(`update abaco.kpi_metrics set value = value + 1 where as_of = $1 and segment = $2 and kpi = $3`, [target.as_of, target.segment, target.kpi]);
    try {
      const result = await compareHistory(ref.dsn, cfg, before, rows);
      expect(result).toMatchObject({ intact: false, periodsCompared: 12, changedPeriods: ['2024-06-30'], missingPeriods: [], changedRowCount: 1 });
      expect(result.changedRows).toEqual([{ key: target, before: { ...target, value: original }, after: { ...target, value: original + 1 } }]);
      console.log(`history comparison naming 1 changed row: ${result.durationMs} ms`);

      const ignoring = await compareHistory(ref.dsn, cfg, before, rows, { ignorePeriods: ['2024-06-30'] });
      expect(ignoring).toMatchObject({ intact: true, periodsCompared: 11, changedPeriods: [], ignoredPeriods: ['2024-06-30'], changedRows: [] });
    } finally {
      // The exported number, sent back as text, is the exact double: value - 1 might not be.
      await sql(`update abaco.kpi_metrics set value = $4 where as_of = $1 and segment = $2 and kpi = $3`, [target.as_of, target.segment, target.kpi, original]);
    }
    expect((await compareHistory(ref.dsn, cfg, before, rows)).intact).toBe(true);
  });

  it('names a removed row and a period that disappeared', async () => {
    await sql(`create table public.kpi_backup as select * from abaco.kpi_metrics`);
    try {
      await sql(`delete from abaco.kpi_metrics where as_of = '2024-03-31' and segment = 'auto' and kpi = 'par30'`);
      await sql(`delete from abaco.kpi_metrics where as_of = '2024-01-31'`);
      const result = await compareHistory(ref.dsn, cfg, before, rows);
      expect(result).toMatchObject({ intact: false, changedPeriods: ['2024-03-31'], missingPeriods: ['2024-01-31'] });
      expect(result.changedRowCount).toBe(before.periods['2024-01-31']!.rows + 1);
      expect(result.changedRows).toHaveLength(10);
      expect(result.changedRows.every((c) => c.after === null && c.before !== null)).toBe(true);
      expect(result.changedRows[0]!.key.as_of).toBe('2024-01-31');
    } finally {
      await sql(`delete from abaco.kpi_metrics`);
      await sql(`insert into abaco.kpi_metrics select * from public.kpi_backup`);
      await sql(`drop table public.kpi_backup`);
    }
    expect((await compareHistory(ref.dsn, cfg, before, rows)).intact).toBe(true);
  });

  it('stays intact across a real rollback to V1 when the latest as-of, which V1 recomputes, is ignored', async () => {
    await ref.v2.stop();
    const v1 = await startPipeline('v1', { databaseUrl: ref.dsn, outputDir: ref.outputDir });
    await v1.waitHealthy();
    const run = await v1.runToCompletion();
    expect(run.status).toBe('succeeded');
    await v1.stop();
    expect(await sql(`select distinct produced_by from abaco.kpi_metrics where as_of = '2024-12-31'`)).toEqual([{ produced_by: 'v1' }]);
    const result = await compareHistory(ref.dsn, cfg, before, rows, { ignorePeriods: ['2024-12-31'] });
    expect(result).toMatchObject({ intact: true, periodsCompared: 11, changedPeriods: [], missingPeriods: [], newPeriods: [] });
  });

  it('names a configured column the query does not return, without the DSN password', async () => {
    await expect(snapshotHistory(ref.dsn, { ...cfg, keyColumns: ['as_of', 'segmnt'] })).rejects.toThrow(
      `history snapshot failed: the history query has no column 'segmnt' (keyColumns)`,
    );
    await expect(exportHistoryRows(ref.dsn, { ...cfg, query: 'select nope from abaco.kpi_metrics' })).rejects.toThrow(
      'history export failed: the history query is not valid: column "nope" does not exist',
    );
    const wrong = new URL(ref.dsn);
    wrong.password = 'wrong-secret-password';
    const error = await snapshotHistory(wrong.toString(), cfg).catch((e: Error) => e);
    expect(String(error)).toContain('history snapshot failed');
    expect(String(error)).not.toContain('wrong-secret-password');
  });
});
