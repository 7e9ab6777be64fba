import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `Rollback drill · staging · <runId> · passed` from the run's journal, so that two reports open
 * side by side (or two artifacts of a nightly) are told apart; just `Rollback drill` without one.
 */
export async function reportName(runDir: string): Promise<string> {
  const journal = await readFile(join(runDir, 'journal.json'), 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => undefined,
  );
  const parts = [journal?.['environment'], journal?.['runId'], journal?.['status']].filter((p): p is string => typeof p === 'string' && p !== '');
  return ['Rollback drill', ...parts].join(' · ');
}
