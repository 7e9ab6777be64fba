import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData } from 'hyparquet';
import type { KpiPoint } from '../checks/kpi-compare.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { newestFileWins, type KpiFile } from './newest-file-wins.ts';
import { matchesFilter, toKpiPoint, type KpiColumns, type KpiFilter } from './normalise.ts';

/**
 * KPI points from every file ending with `extension` under `dir` (recursively), mapped through
 * `columns`, filtered, and de-duplicated across files by newestFileWins. A folder that does not
 * exist is an error rather than "no KPIs": it is far more often a wrong path than a pipeline that
 * never wrote anything.
 */
export async function readParquetKpis(dir: string, columns: KpiColumns, options: { extension?: string; filter?: KpiFilter } = {}): Promise<KpiPoint[]> {
  const { extension = '.parquet', filter = {} } = options;
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new HarnessError(`KPI parquet folder ${dir} does not exist or is not a folder`);
  const files: KpiFile[] = [];
  for (const path of await listFiles(dir, extension)) {
    const { mtimeMs } = await stat(path);
    files.push({ path, mtimeMs, points: await readKpiFile(path, columns, filter) });
  }
  return newestFileWins(files);
}

/** One file's points. Not parquet, or lacking a mapped or filtered column: an error naming the file. */
export async function readKpiFile(path: string, columns: KpiColumns, filter: KpiFilter = {}): Promise<KpiPoint[]> {
  const buffer = await readFile(path);
  const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw new Error(`KPI file ${path} is not readable parquet: ${errorMessage(error)}`);
  }
  const present = new Set(parquetSchema(metadata).children.map((child) => child.element.name));
  const wanted = [...new Set([...Object.values(columns), ...Object.keys(filter)])];
  const uses = [...Object.entries(columns).map(([field, column]) => [column, `mapped to ${field}`]), ...Object.keys(filter).map((column) => [column, 'used by the filter'])];
  for (const [column, use] of uses) {
    if (!present.has(column!)) throw new HarnessError(`KPI file ${path} has no column '${column}' (${use}); its columns: ${[...present].join(', ')}`);
  }
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file, metadata, columns: wanted });
  } catch (error) {
    throw new Error(`KPI file ${path} is not readable parquet: ${errorMessage(error)}`);
  }
  const points: KpiPoint[] = [];
  const filtered = Object.keys(filter).length > 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (filtered && !matchesFilter(row, filter)) continue;
    points.push(toKpiPoint(row, columns, () => `KPI file ${path} row ${i + 1}`));
  }
  return points;
}

async function listFiles(dir: string, extension: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      // Files being written under a temporary name (the reference pipeline renames when done) do not match.
      else if (entry.isFile() && entry.name.endsWith(extension)) found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
}
