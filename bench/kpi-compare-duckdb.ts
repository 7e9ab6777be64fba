import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CompareOptions, KpiComparison, KpiDifference, KpiKey } from '../src/kpis/kpi-compare.ts';
import type { KpiColumns } from '../src/kpis/normalise.ts';

/**
 * Figure 3's anchor: the harness's comparison (readKpis of both folders + compareKpis) done by
 * DuckDB in one SQL pass over the same files: both sides read, the newest file winning per key
 * as newestFileWins does (by mtime, then path), joined on (as-of, segment, KPI), the relative
 * difference computed, and the same KpiComparison returned — so the bench can check both agree.
 * A fresh in-memory instance per call: the cost the harness would pay in each drill.
 */
export async function compareKpiParquetDuckDb(referenceDir: string, candidateDir: string, columns: KpiColumns, options: CompareOptions = {}): Promise<KpiComparison> {
  const { tolerance = 0.01, absoluteTolerance = 1e-6, worst: keep = 10 } = options;
  const epsilon = absoluteTolerance / tolerance;
  const [reference, candidate] = await Promise.all([rankedFiles(referenceDir), rankedFiles(candidateDir)]);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`create temp table classified as ${classifySql(reference, candidate, columns, epsilon)}`);
    const [totals] = await rows(
      connection,
      `
      select count(*) filter (kind = 'compared')::integer as compared,
             count(*) filter (kind = 'compared' and variance >= ${Number(tolerance)})::integer as out_of_tolerance,
             coalesce(max(variance) filter (kind = 'compared'), 0)::double as max_variance
        from classified`,
    );
    const keys = await rows(
      connection,
      `
      select kind, variance is null as non_finite, as_of, segment, kpi from classified
       where kind <> 'compared' or variance is null
       order by as_of, segment, kpi`,
    );
    const worst = await rows(
      connection,
      `
      select as_of, segment, kpi, rv as reference, cv as candidate, variance, abs(rv) < ${Number(epsilon)} as near_zero from classified
       where kind = 'compared' and variance > 0
       order by variance desc, as_of, segment, kpi limit ${Number(keep)}`,
    );
    const of = (kind: string) => keys.filter((k) => k['kind'] === kind).map(keyOf);
    const nonFinite = keys.filter((k) => k['kind'] === 'compared' && k['non_finite'] === true).map(keyOf);
    const result = {
      compared: Number(totals!['compared']),
      outOfTolerance: Number(totals!['out_of_tolerance']),
      absoluteTolerance,
      maxVariance: Number(totals!['max_variance']),
      tolerance,
      worst: worst.map(
        (w): KpiDifference => ({
          ...keyOf(w),
          reference: w['reference'] as number | null,
          candidate: w['candidate'] as number | null,
          variance: Number(w['variance']),
          nearZero: w['near_zero'] === true,
        }),
      ),
      missingInCandidate: of('missing-in-candidate'),
      missingInReference: of('missing-in-reference'),
      duplicates: of('duplicate'),
      nonFinite,
    };
    const problems = result.missingInCandidate.length + result.missingInReference.length + result.duplicates.length + nonFinite.length;
    return { ...result, withinTolerance: problems === 0 && result.maxVariance < tolerance };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

interface RankedFile {
  path: string;
  rank: number;
}

function classifySql(reference: RankedFile[], candidate: RankedFile[], columns: KpiColumns, epsilon: number): string {
  const side = (name: string, files: RankedFile[]) => `
    ${name}_rows as (
      select strftime(p.${ident(columns.asOf)}::date, '%Y-%m-%d') as as_of, p.${ident(columns.segment)}::varchar as segment,
             p.${ident(columns.kpi)}::varchar as kpi, p.${ident(columns.value)}::double as value, f.rank
        from read_parquet([${files.map((f) => literal(f.path)).join(', ')}], filename = true) as p
        join (values ${files.map((f) => `(${literal(f.path)}, ${f.rank})`).join(', ')}) as f(path, rank) on p.filename = f.path
    ),
    ${name}_kept as (select * from ${name}_rows qualify rank = max(rank) over (partition by as_of, segment, kpi)),
    ${name} as (select as_of, segment, kpi, count(*) as n, any_value(value) as value from ${name}_kept group by all)`;
  return `
    with ${side('ref', reference)}, ${side('cand', candidate)},
    joined as (
      select as_of, segment, kpi, r.value as rv, c.value as cv, r.n as rn, c.n as cn
        from ref as r full outer join cand as c using (as_of, segment, kpi)
    )
    select as_of, segment, kpi, rv, cv,
           case when coalesce(rn, 0) > 1 or coalesce(cn, 0) > 1 then 'duplicate'
                when cn is null then 'missing-in-candidate'
                when rn is null then 'missing-in-reference'
                else 'compared' end as kind,
           case when rv is null and cv is null then 0
                when rv is null or cv is null or not isfinite(rv) or not isfinite(cv) then null
                when rv = cv then 0
                when isfinite(abs(cv - rv) / greatest(abs(rv), ${epsilon})) then abs(cv - rv) / greatest(abs(rv), ${epsilon})
                end as variance
      from joined`;
}

/** Every .parquet file under `dir`, ranked as newestFileWins orders them (mtime, then path). */
async function rankedFiles(dir: string): Promise<RankedFile[]> {
  const found: Array<{ path: string; mtimeMs: number }> = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.endsWith('.parquet')) found.push({ path, mtimeMs: (await stat(path)).mtimeMs });
    }
  };
  await walk(dir);
  if (found.length === 0) throw new Error(`no .parquet file under ${dir}`);
  found.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return found.map((f, rank) => ({ path: f.path, rank }));
}

async function rows(connection: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
}

function keyOf(row: Record<string, unknown>): KpiKey {
  return { asOf: String(row['as_of']), segment: String(row['segment']), kpi: String(row['kpi']) };
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
