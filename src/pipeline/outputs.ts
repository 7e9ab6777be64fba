import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { errorMessage } from '../errors.ts';

export type OutputFormat = 'parquet' | 'csv' | 'jsonl' | 'non-empty';

export interface OutputFile {
  /** Relative to the root the caller gave (the run folder). */
  path: string;
  bytes: number;
  /** Data rows decoded; undefined for `non-empty`, which only proves the file has bytes. */
  rows?: number;
}

export const defaultExtension: Record<OutputFormat, string> = { parquet: '.parquet', csv: '.csv', jsonl: '.jsonl', 'non-empty': '' };

/** Files under `dir` (recursively) ending with `extension`, modified at or after `since` (ms epoch). */
export async function outputsSince(dir: string, extension: string, since: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.endsWith(extension) && (await stat(path)).mtimeMs >= since) found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
}

/**
 * Reads an output file completely in its format: a written-but-undecodable file is not an output, and
 * the error names the file and what is wrong with it.
 */
export async function readOutput(path: string, root: string, format: OutputFormat): Promise<OutputFile> {
  const buffer = await readFile(path).catch((error: unknown) => {
    throw new Error(`output file ${path} cannot be read: ${errorMessage(error)}`);
  });
  const file = { path: relative(root, path), bytes: buffer.byteLength };
  try {
    switch (format) {
      case 'parquet':
        return { ...file, rows: await parquetRows(buffer) };
      case 'csv':
        return { ...file, rows: csvRows(buffer.toString('utf8')) };
      case 'jsonl':
        return { ...file, rows: jsonLines(buffer.toString('utf8')) };
      case 'non-empty':
        if (buffer.byteLength === 0) throw new Error('it is empty');
        return file;
    }
  } catch (error) {
    throw new Error(`output file ${path} is not readable ${format === 'non-empty' ? 'output' : format}: ${errorMessage(error)}`);
  }
}

async function parquetRows(buffer: Buffer): Promise<number> {
  const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const rows = await parquetReadObjects({ file, metadata });
  if (rows.length !== Number(metadata.num_rows)) throw new Error(`metadata says ${metadata.num_rows} rows, decoded ${rows.length}`);
  return rows.length;
}

/** RFC 4180: a header, then records with as many fields; quoted fields may hold commas, quotes ("") and line breaks. */
export function csvRows(text: string): number {
  const records: number[] = [];
  let fields = 1;
  let quoted = false;
  let atFieldStart = true;
  let lineHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
      lineHasContent = true;
    } else if (c === ',') {
      fields++;
      atFieldStart = true;
      lineHasContent = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (lineHasContent) records.push(fields);
      fields = 1;
      atFieldStart = true;
      lineHasContent = false;
    } else {
      atFieldStart = false;
      lineHasContent = true;
    }
  }
  if (quoted) throw new Error('a quoted field is never closed');
  if (lineHasContent) records.push(fields);
  if (records.length === 0) throw new Error('no header line');
  const width = records[0]!;
  const bad = records.findIndex((n) => n !== width);
  if (bad > 0) throw new Error(`line ${bad + 1} has ${records[bad]} fields, the header has ${width}`);
  return records.length - 1;
}

function jsonLines(text: string): number {
  let rows = 0;
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    try {
      JSON.parse(line);
    } catch (error) {
      throw new Error(`line ${index + 1} is not JSON: ${errorMessage(error)}`);
    }
    rows++;
  });
  return rows;
}
