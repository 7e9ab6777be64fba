import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetMetadata, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import type { KpiPoint } from './kpi-compare.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { mapInOrder } from '../util/map-in-order.ts';
import { newestFileWins, type KpiFile } from './newest-file-wins.ts';
import { filterText, normaliseAsOf, normaliseLabel, normaliseValue, type KpiColumns, type KpiFilter } from './normalise.ts';

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
  // A few files at a time: a pipeline writes one small file per as-of and run, and waiting for each read in
  // turn cost as much as decoding them all.
  const files: KpiFile[] = await mapInOrder(await listFiles(dir, extension), FILES_IN_FLIGHT, async (path) => {
    // One open for the file's mtime and its bytes.
    const handle = await open(path, 'r');
    try {
      const { mtimeMs } = await handle.stat();
      return { path, mtimeMs, points: await readKpiFile(path, await handle.readFile(), columns, filter) };
    } finally {
      await handle.close();
    }
  });
  return newestFileWins(files);
}

const FILES_IN_FLIGHT = 8;

/** One file's points, from its bytes. Not parquet, or lacking a mapped or filtered column: an error naming the file. */
async function readKpiFile(path: string, buffer: Buffer, columns: KpiColumns, filter: KpiFilter): Promise<KpiPoint[]> {
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
  // Column by column (hyparquet's chunks), never one object per row: at 100k points that assembly cost more
  // than decoding the file.
  const rowCount = Number(metadata.num_rows);
  const data = new Map<string, unknown[]>(wanted.map((column) => [column, new Array<unknown>(rowCount)]));
  try {
    await parquetRead({
      file,
      metadata,
      columns: wanted,
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const into = data.get(columnName);
        if (!into) return;
        for (let row = rowStart, i = 0; row < rowEnd; row++, i++) into[row] = columnData[i];
      },
    });
  } catch (error) {
    throw new Error(`KPI file ${path} is not readable parquet: ${errorMessage(error)}`);
  }
  const [asOfs, segments, kpis, values] = [columns.asOf, columns.segment, columns.kpi, columns.value].map((column) => data.get(column)!) as [
    unknown[],
    unknown[],
    unknown[],
    unknown[],
  ];
  const filters = Object.entries(filter).map(([column, text]) => ({ values: data.get(column)!, text }));
  let row = 0;
  // One closure for the whole file: the row's name is only built for an error message.
  const where = () => `KPI file ${path} row ${row + 1}`;
  const points: KpiPoint[] = [];
  for (; row < rowCount; row++) {
    if (filters.length > 0 && !filters.every((f) => filterText(f.values[row]) === f.text)) continue;
    points.push({
      asOf: normaliseAsOf(asOfs[row], where),
      segment: normaliseLabel(segments[row], 'segment', where),
      kpi: normaliseLabel(kpis[row], 'kpi', where),
      value: normaliseValue(values[row], where),
    });
  }
  return points;
}

async function listFiles(dir: string, extension: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const subfolders: string[] = [];
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) subfolders.push(path);
      // Files being written under a temporary name (the reference pipeline renames when done) do not match.
      else if (entry.isFile() && entry.name.endsWith(extension)) found.push(path);
    }
    await mapInOrder(subfolders, FILES_IN_FLIGHT, walk);
  };
  await walk(dir);
  return found.sort();
}
