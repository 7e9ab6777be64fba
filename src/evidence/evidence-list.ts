import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Journal } from '../journal/journal-types.ts';
import { sha256File } from './hash-file.ts';

export interface EvidenceFile {
  /** The test that recorded it; undefined for the journal itself. */
  testId?: string;
  path: string;
  bytes?: number;
  sha256?: string;
  /** Why there is no hash: the file is gone, or its path points outside the run folder. */
  problem?: 'missing' | 'not a file' | 'outside the run folder';
}

/**
 * The journal and every evidence file the tests recorded, with size and sha256 as they are on
 * disk now. A path that leaves the run folder is listed but never read: the journal is data from
 * a run, and the report must not hash (or reveal the size of) files elsewhere on the machine.
 */
export async function listEvidence(runDir: string, journal: Journal): Promise<EvidenceFile[]> {
  const wanted: Array<{ testId?: string; path: string }> = [{ path: 'journal.json' }, ...journal.tests.flatMap((t) => t.evidence.map((path) => ({ testId: t.id, path })))];
  const files: EvidenceFile[] = [];
  for (const item of wanted) files.push({ ...item, ...(await describe(runDir, item.path)) });
  return files;
}

async function describe(runDir: string, path: string): Promise<Pick<EvidenceFile, 'bytes' | 'sha256' | 'problem'>> {
  if (!inside(runDir, path)) return { problem: 'outside the run folder' };
  const info = await stat(join(runDir, path)).catch(() => undefined);
  if (!info) return { problem: 'missing' };
  if (!info.isFile()) return { problem: 'not a file' };
  return sha256File(join(runDir, path));
}

export function inside(runDir: string, path: string): boolean {
  if (isAbsolute(path)) return false;
  const rel = relative(resolve(runDir), resolve(runDir, path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
