import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redactor } from '../redaction/redactor.ts';
import { writeNamed } from '../util/write-named.ts';
import { HarnessError } from '../errors.ts';
import type { Journal } from './journal-types.ts';

/**
 * Reading and writing the journal, the single output of a run: every reporter, `drill report`, `drill
 * sign` and the tests read it through here.
 */

/** Writes <runDir>/journal.json, redacted; the run folder is then copied to <reportDir>/latest. */
export async function writeJournal(runDir: string, journal: Journal, redactor: Redactor): Promise<string> {
  await mkdir(runDir, { recursive: true });
  const path = join(runDir, 'journal.json');
  await writeNamed(path, `${redactor.redact(JSON.stringify(journal, null, 2))}\n`);
  return path;
}

export async function writeReportFile(runDir: string, name: string, content: string, redactor: Redactor): Promise<string> {
  const path = join(runDir, name);
  await writeNamed(path, redactor.redact(content));
  return path;
}

/** A real copy, not a symlink: the latest run survives the run folder being archived or moved. */
export async function copyToLatest(reportDir: string, runDir: string): Promise<string> {
  const latest = join(reportDir, 'latest');
  await rm(latest, { recursive: true, force: true });
  await cp(runDir, latest, { recursive: true });
  return latest;
}

/** The journal of a run folder; a folder without one, or with a broken one, is named. */
export async function readJournal(runDir: string): Promise<Journal> {
  const path = join(runDir, 'journal.json');
  const text = await readFile(path, 'utf8').catch(() => {
    throw new HarnessError(`no journal.json in ${runDir}: not a run folder`);
  });
  try {
    return JSON.parse(text) as Journal;
  } catch (error) {
    throw new HarnessError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
