import { describe, expect, it } from 'vitest';
import type { CheckRecord, StepRecord } from './journal-types.ts';
import { exitCodes, runStatus, testStatus } from './verdict.ts';

const step = (status: StepRecord['status'], phase: StepRecord['phase'] = 'rollback'): StepRecord => ({
  id: 's',
  title: 's',
  phase,
  startedAt: '',
  durationMs: 1,
  status,
});
const check = (status: CheckRecord['status']): CheckRecord => ({ id: 'c', title: 'c', status, value: 1, threshold: 1 });

describe('testStatus', () => {
  it('passes when every step and check passed', () => {
    expect(testStatus([step('passed', 'setup'), step('passed')], [check('passed')])).toBe('passed');
  });
  it('fails when a rollback step failed', () => {
    expect(testStatus([step('passed', 'setup'), step('failed'), step('skipped')], [check('inconclusive')])).toBe('failed');
  });
  it('is inconclusive when V2 could not even be deployed', () => {
    expect(testStatus([step('failed', 'setup'), step('skipped')], [check('inconclusive')])).toBe('inconclusive');
  });
  it('fails on a failed check', () => {
    expect(testStatus([step('passed')], [check('failed'), check('passed')])).toBe('failed');
  });
  it('is an error when the harness broke', () => {
    expect(testStatus([step('error', 'setup')], [])).toBe('error');
    expect(testStatus([step('passed')], [check('error')])).toBe('error');
  });
  it('is interrupted above all', () => {
    expect(testStatus([step('failed'), step('interrupted')], [check('error')])).toBe('interrupted');
  });
});

describe('runStatus and exit codes', () => {
  it('lets a failed rollback outrank a harness error, and never shares their codes', () => {
    expect(runStatus([{ status: 'error' }, { status: 'failed' }])).toBe('failed');
    expect(runStatus([{ status: 'passed' }, { status: 'error' }])).toBe('error');
    expect(exitCodes.failed).not.toBe(exitCodes.error);
  });
  it('maps the documented exit codes', () => {
    expect(exitCodes).toEqual({ passed: 0, failed: 1, inconclusive: 2, error: 3, interrupted: 130 });
  });
  it('treats a run with no tests as an error, never a pass', () => {
    expect(runStatus([])).toBe('error');
  });
});
