import { join } from 'node:path';
import { formatMs } from '../src/util/format.ts';
import type { Figure } from './figure.ts';
import { kpiCompareFigure } from './kpi-compare-bench.ts';
import { realOutputs, synthesizeOutputs, type KpiOutputs } from './kpi-compare-data.ts';

export interface KpiCompareOptions {
  /** The `metrics/` folders of complete V1 and V2 runs of the reference pipelines on the same data. */
  reference: { v1: string; v2: string };
  /** Points per version of the larger, synthesized outputs. */
  larger: number;
  rounds: number;
  workDir: string;
  log: (line: string) => void;
}

/**
 * Figure 3 (issue 8): the harness's KPI comparison over V1 and V2 parquet outputs beside DuckDB's
 * on the same files — at the size the reference pipelines really write (the drill's own runs on
 * the staging data set) and at a larger, synthesized size in the same schema.
 */
export async function kpiCompareFigures(options: KpiCompareOptions): Promise<Figure[]> {
  const { rounds, workDir, log } = options;
  // The native library loads once per process; the harness would pay it once per drill.
  const loading = performance.now();
  const { compareKpiParquetDuckDb } = await import('./kpi-compare-duckdb.ts');
  const loadMs = performance.now() - loading;
  const duckdb = (outputs: KpiOutputs) => compareKpiParquetDuckDb(outputs.v2, outputs.v1, { asOf: 'as_of', segment: 'segment', kpi: 'kpi', value: 'value' }, { tolerance: 0.01 });

  const real = await realOutputs(options.reference);
  const figures = [
    await kpiCompareFigure(
      'reference pipelines',
      real,
      rounds,
      duckdb,
      `complete runs of the real V2 and V1 on the staging data set; loading DuckDB's native library once per process: ${formatMs(loadMs)}, not counted`,
      log,
    ),
  ];
  const writing = performance.now();
  const larger = await synthesizeOutputs(join(workDir, 'larger'), options.larger);
  log(`kpi compare: wrote 2×${larger.points} synthesized points in ${formatMs(performance.now() - writing)}`);
  figures.push(
    await kpiCompareFigure(
      'synthesized',
      larger,
      rounds,
      duckdb,
      'written with hyparquet-writer in the reference schema (120 month ends × segments × the 8 KPIs), V1 = V2 ± 0.5%',
      log,
    ),
  );
  return figures;
}
