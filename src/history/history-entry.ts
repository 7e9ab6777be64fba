import type { Journal, RunStatus, TestStatus } from '../journal/journal-types.ts';

/** One line of <reportDir>/history.jsonl: what the trend needs of a run, nothing more. */
export interface HistoryEntry {
  runId: string;
  startedAt: string;
  finishedAt: string;
  environment: string;
  target: string;
  status: RunStatus;
  tests: HistoryTest[];
}

export interface HistoryTest {
  id: string;
  status: TestStatus;
  /** Absent when the rollback did not complete. */
  rollbackMs?: number;
}

export function summariseRun(journal: Journal): HistoryEntry {
  return {
    runId: journal.runId,
    startedAt: journal.startedAt,
    finishedAt: journal.finishedAt,
    environment: journal.environment,
    target: journal.target,
    status: journal.status,
    tests: journal.tests.map((t) => ({ id: t.id, status: t.status, ...(t.rollbackMs === undefined ? {} : { rollbackMs: t.rollbackMs }) })),
  };
}

/** A line written by hand or by an older version is skipped, not trusted: undefined when it is not an entry. */
export function parseHistoryLine(line: string): HistoryEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const strings = ['runId', 'startedAt', 'finishedAt', 'environment', 'target', 'status'] as const;
  if (!strings.every((k) => typeof v[k] === 'string') || !Array.isArray(v['tests'])) return undefined;
  const tests = (v['tests'] as unknown[]).filter(
    (t): t is HistoryTest =>
      !!t &&
      typeof t === 'object' &&
      typeof (t as HistoryTest).id === 'string' &&
      typeof (t as HistoryTest).status === 'string' &&
      ((t as HistoryTest).rollbackMs === undefined || Number.isFinite((t as HistoryTest).rollbackMs)),
  );
  return { ...(v as unknown as HistoryEntry), tests };
}
