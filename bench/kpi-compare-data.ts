import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { publishParquet } from '../fixtures/pipeline-v2/kpi/parquet.ts';

/**
 * The V1 and V2 KPI outputs figure 3 compares, as the reference pipelines lay them out:
 * <dir>/metrics/<asOf>/<runId>.parquet, one file per as-of and run, columns as_of (DATE), segment,
 * kpi, value (DOUBLE), run_id, produced_by.
 */
export interface KpiOutputs {
  v1: string;
  v2: string;
  /** Points per version (when known before reading them) and files per version, for the figure's name. */
  points?: number;
  files: number;
}

/** The outputs of real pipeline runs, one folder per version: counts each version's files for the figure's name. */
export async function realOutputs(dirs: { v1: string; v2: string }): Promise<KpiOutputs> {
  const [v1, v2] = await Promise.all([parquetFiles(dirs.v1), parquetFiles(dirs.v2)]);
  if (v1 === 0 || v2 === 0) throw new Error(`no KPI outputs to compare: ${v2} V2 files under ${dirs.v2}, ${v1} V1 files under ${dirs.v1}`);
  return { ...dirs, files: Math.max(v1, v2) };
}

async function parquetFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.parquet')).length;
}

const kpis = ['outstanding_principal', 'disbursements', 'collections', 'collection_rate', 'par30', 'default_rate', 'active_loans', 'weighted_average_rate'];

/**
 * Larger outputs written by the reference V2's own parquet writer: `asOfs` month ends × segments
 * × the 8 reference KPIs ≈ `points` per version. V1's values
 * are V2's within ±0.5% (deterministic), so every point is compared and all pass, as in a good drill.
 */
export async function synthesizeOutputs(into: string, points: number, asOfs = 120): Promise<KpiOutputs> {
  const segments = Math.max(1, Math.round(points / (asOfs * kpis.length)));
  let state = 42;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let month = 0; month < asOfs; month++) {
    const end = new Date(Date.UTC(2015, month + 1, 0));
    const asOf = end.toISOString().slice(0, 10);
    const n = segments * kpis.length;
    const segment = Array.from({ length: n }, (_, i) => `segment-${String(Math.floor(i / kpis.length)).padStart(5, '0')}`);
    const kpi = Array.from({ length: n }, (_, i) => kpis[i % kpis.length]!);
    const v2 = Float64Array.from({ length: n }, () => random() * 1_000_000);
    const v1 = Float64Array.from(v2, (value) => value * (1 + (random() - 0.5) / 100));
    for (const [version, values] of [
      ['v2', v2],
      ['v1', v1],
    ] as const) {
      // The reference V2's own writer: the same schema and layout the drill reads (produced_by says v2 on both sides;
      // the comparison reads as_of, segment, kpi and value only).
      publishParquet(
        join(into, version),
        `${version}-bench`,
        Array.from(values, (value, i) => ({ asOf, segment: segment[i]!, kpi: kpi[i]!, value })),
      );
    }
  }
  return { v1: join(into, 'v1'), v2: join(into, 'v2'), points: segments * kpis.length * asOfs, files: asOfs };
}
