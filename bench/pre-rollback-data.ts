import pg from 'pg';
import reference from '../drill.config.ts';
import { KPI_NAMES } from '../fixtures/pipeline-v2/kpi/kpi-grid.ts';
import { snapshotKeys } from '../src/database/key-snapshot.ts';
import { BENCH_SEED, loansForRows, runGenerator, sizeLabel } from './generate-cli.ts';
import { synthesiseV1Outputs } from './zero-loss-outputs.ts';

const accounting = reference.environments['staging']!.accounting!;

export interface DrillDatabase {
  sourceRows: number;
  /** pg_database_size, bytes. */
  bytes: number;
  kpiRows: number;
  /** The key snapshot a drill takes before V2's run (`_drill.v2_run_keys`), which record-system-state scopes its accounting to. */
  v2RunKeys: string;
}

/**
 * The drill database as it stands when the pre-rollback phase starts, at `rows` source rows: the
 * Cascade source (the generator CLI), V2's outputs (clean rows, quarantine, the processed ledger —
 * written by SQL with V1's rules, zero-loss-outputs.ts: the same tables and row counts a run writes),
 * V2's KPI history and its runs of the last 24 h, and the drill's key snapshot of V2's run.
 *
 * The KPI history is what V2 has at any source size on this calendar: 8 KPIs × 12 month-ends of 2024
 * × 4 segments and 'all' = 480 rows, keyed (as_of, segment, kpi) and upserted by every run, all
 * computed within the last 24 h. It does not grow with the source: the last 24 h of it is those rows.
 */
export async function drillDatabase(dsn: string, rows: number, log: (line: string) => void): Promise<DrillDatabase> {
  const label = sizeLabel(rows);
  const generated = await runGenerator(dsn, ['--loans', String(loansForRows(rows)), '--seed', String(BENCH_SEED)]);
  log(`pre-rollback ${label}: generated ${generated.loans + generated.payments} Cascade rows in ${(generated.ms / 1000).toFixed(1)} s; writing V2's outputs and KPI history …`);
  const started = performance.now();
  const outputs = await synthesiseV1Outputs(dsn);
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(
      `
      insert into abaco.kpi_metrics (as_of, segment, kpi, value, run_id, produced_by, computed_at)
      select m.as_of, s.segment, k.kpi, abs(hashtext(m.as_of::text || s.segment || k.kpi)) / 1000.0, 'bench-v2-96', 'v2',
             now() - (abs(hashtext(s.segment || k.kpi)) % 86400) * interval '1 second'
        from (select (d + interval '1 month - 1 day')::date as as_of from generate_series(date '2024-01-01', date '2024-12-01', interval '1 month') d) m,
             (select distinct segment from abaco.loans union all select 'all') s,
             unnest($1::text[]) as k(kpi)`,
      [[...KPI_NAMES]],
    );
    // V2's runs of the last 24 h, one every 15 minutes, as its run log keeps them.
    await client.query(`
      insert into abaco.runs (run_id, version, started_at, finished_at, status, rows_in, rows_out, rows_quarantined)
      select 'bench-v2-' || i, 'v2', now() - (97 - i) * interval '15 minutes', now() - (97 - i) * interval '15 minutes' + interval '40 seconds',
             'succeeded', 0, 0, 0
        from generate_series(1, 96) i`);
    await client.query('vacuum (analyze) abaco.kpi_metrics, abaco.runs');
    const {
      rows: [size],
    } = await client.query<{ bytes: string; kpis: string }>(`select pg_database_size(current_database())::text as bytes, (select count(*) from abaco.kpi_metrics)::text as kpis`);
    const snapshot = await snapshotKeys(dsn, accounting.sourceKeysQuery, 'v2_run_keys');
    log(
      `pre-rollback ${label}: ${outputs.clean} clean + ${outputs.quarantined} quarantined outputs, ${size!.kpis} KPI rows, ${snapshot.keys} keys in ${snapshot.table}, ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s; database ${(Number(size!.bytes) / 2 ** 20).toFixed(0)} MiB (without the key snapshot)`,
    );
    return { sourceRows: outputs.sourceRows, bytes: Number(size!.bytes), kpiRows: Number(size!.kpis), v2RunKeys: snapshot.table };
  } finally {
    await client.end().catch(() => undefined);
  }
}
