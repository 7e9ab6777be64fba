import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunIdentity {
  /** `Rollback drill · staging · <runId> · passed`; just `Rollback drill` without a journal. */
  reportName: string;
  runId?: string;
}

/**
 * What the run's journal says the report is of, so that two reports open side by side (or two
 * artifacts of a nightly) are told apart, and the report's folder is named by the run.
 */
export async function runIdentity(runDir: string): Promise<RunIdentity> {
  const journal = await readFile(join(runDir, 'journal.json'), 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => undefined,
  );
  const field = (name: string) => (typeof journal?.[name] === 'string' && journal[name] !== '' ? (journal[name] as string) : undefined);
  const parts = [field('environment'), field('runId'), field('status')].filter((p): p is string => p !== undefined);
  const runId = field('runId');
  // A run id names a folder: anything that could climb out of reports/ is not one.
  return { reportName: ['Rollback drill', ...parts].join(' · '), ...(runId !== undefined && /^[\w.-]+$/.test(runId) && !/^\.+$/.test(runId) ? { runId } : {}) };
}
