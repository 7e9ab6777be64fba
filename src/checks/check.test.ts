import { describe, expect, it } from 'vitest';
import type { TestRecord } from '../journal/journal-types.ts';
import { evaluateCheck, type CheckDefinition } from './check.ts';

const test: TestRecord = { id: 'rollback-time', title: 't', status: 'passed', startedAt: '', durationMs: 0, steps: [], checks: [], cleanup: [], evidence: [] };
const within = (value: number | undefined, threshold = 300_000): CheckDefinition => ({
  id: 'rollback-total',
  title: 'Rollback within budget',
  unit: 'ms',
  threshold,
  comparator: '<=',
  measure: () => ({ value }),
});

describe('evaluateCheck', () => {
  it('passes exactly at the threshold of a <= check and fails just over it', async () => {
    expect((await evaluateCheck(within(300_000), test)).status).toBe('passed');
    expect((await evaluateCheck(within(300_001), test)).status).toBe('failed');
  });

  it('records value, threshold and unit', async () => {
    expect(await evaluateCheck(within(1234), test)).toMatchObject({ value: 1234, threshold: 300_000, unit: 'ms', status: 'passed' });
  });

  it('is inconclusive when there is nothing to measure', async () => {
    expect(await evaluateCheck(within(undefined), test)).toMatchObject({ status: 'inconclusive', value: null });
  });

  it('is an error, not a failure, when measuring throws', async () => {
    const broken: CheckDefinition = {
      ...within(1),
      measure: () => {
        throw new Error('journal has no stop-v2 step');
      },
    };
    expect(await evaluateCheck(broken, test)).toMatchObject({ status: 'error', message: 'journal has no stop-v2 step' });
  });

  it('compares booleans for equality', async () => {
    const check: CheckDefinition = { id: 'gone', title: 'V2 stopped', threshold: true, comparator: '==', measure: () => ({ value: false }) };
    expect((await evaluateCheck(check, test)).status).toBe('failed');
  });
});
