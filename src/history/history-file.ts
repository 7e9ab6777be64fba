import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseHistoryLine, type HistoryEntry } from './history-entry.ts';

export const historyFileName = 'history.jsonl';

export function historyPath(reportDir: string): string {
  return join(reportDir, historyFileName);
}

/**
 * One line per run, appended: a single write of one short line with O_APPEND, so two runs
 * finishing together interleave whole lines, never halves.
 */
export async function appendHistory(file: string, entry: HistoryEntry): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(entry)}\n`);
}

export interface HistoryRead {
  entries: HistoryEntry[];
  /** Line numbers that could not be read as an entry (hand-edited, truncated by a full disk). */
  skipped: number[];
}

export async function readHistory(file: string): Promise<HistoryRead> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const entries: HistoryEntry[] = [];
  const skipped: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const entry = parseHistoryLine(line);
    if (entry) entries.push(entry);
    else skipped.push(index + 1);
  });
  return { entries, skipped };
}
