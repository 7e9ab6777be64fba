import type { CheckRecord, RunStatus, StepRecord, TestRecord, TestStatus } from './journal-types.ts';

/**
 * A test's verdict from its steps and checks:
 * interrupted (Ctrl-C) > error (the harness failed) > inconclusive (a setup step failed, so
 * nothing was rolled back) > failed (a rollback step or a check failed) > inconclusive (a check
 * had nothing to measure) > passed.
 */
export function testStatus(steps: StepRecord[], checks: CheckRecord[]): TestStatus {
  if (steps.some((s) => s.status === 'interrupted')) return 'interrupted';
  if (steps.some((s) => s.status === 'error') || checks.some((c) => c.status === 'error')) return 'error';
  if (steps.some((s) => s.status === 'failed' && s.phase === 'setup')) return 'inconclusive';
  if (steps.some((s) => s.status === 'failed') || checks.some((c) => c.status === 'failed')) return 'failed';
  if (checks.some((c) => c.status === 'inconclusive')) return 'inconclusive';
  return 'passed';
}

/**
 * The run's verdict. A failed rollback outranks a harness error: if any test proved the rollback
 * unsafe, that is the answer, whatever else broke.
 */
export function runStatus(tests: Pick<TestRecord, 'status'>[]): RunStatus {
  const order: RunStatus[] = ['interrupted', 'failed', 'error', 'inconclusive'];
  for (const status of order) if (tests.some((t) => t.status === status)) return status;
  return tests.length === 0 ? 'error' : 'passed';
}

export const exitCodes: Record<RunStatus, number> = { passed: 0, failed: 1, inconclusive: 2, error: 3, interrupted: 130 };
