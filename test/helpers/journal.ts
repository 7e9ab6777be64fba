import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Journal } from '../../src/journal/journal-types.ts';

export async function latestJournal(reportDir: string): Promise<Journal> {
  return JSON.parse(await readFile(join(reportDir, 'latest', 'journal.json'), 'utf8')) as Journal;
}
