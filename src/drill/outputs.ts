import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { errorMessage } from '../errors.ts';

export interface OutputFile {
  path: string;
  bytes: number;
  rows: number;
}

/** Output files under `dir` with the extension, modified at or after `since` (ms epoch). */
export async function outputsSince(dir: string, extension: string, since: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(extension) && (await stat(path)).mtimeMs >= since) found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
}

/**
 * Reads a parquet file completely: metadata and every row. A file that cannot be decoded is an
 * error naming the file — a written-but-corrupt output is not an output.
 */
export async function readParquetOutput(path: string, root: string): Promise<OutputFile> {
  try {
    const buffer = await readFile(path);
    const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(file);
    const rows = await parquetReadObjects({ file, metadata });
    if (rows.length !== Number(metadata.num_rows)) throw new Error(`metadata says ${metadata.num_rows} rows, decoded ${rows.length}`);
    return { path: relative(root, path), bytes: buffer.byteLength, rows: rows.length };
  } catch (error) {
    throw new Error(`output file ${path} is not readable parquet: ${errorMessage(error)}`);
  }
}
