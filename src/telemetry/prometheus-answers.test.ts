import { describe, expect, it } from 'vitest';
import { capParts, readingOf, TotalCounter } from './prometheus-answers.ts';

const one = (value: number, labels: Record<string, string> = {}) => ({ labels, value });

describe('readingOf', () => {
  it('no series or NaN is no answer (missing, never 0); a count is rounded, a gauge kept', () => {
    expect(readingOf('rssMb', [])).toEqual({ missing: true });
    expect(readingOf('rssMb', [one(Number.NaN)])).toEqual({ missing: true });
    expect(readingOf('rssMb', [one(12.34)])).toEqual({ value: 12.34 });
    expect(readingOf('transactions', [one(2.6)])).toEqual({ value: 3 });
  });

  it('refuses several series (which one would be V2’s?) and a negative or infinite value, naming them', () => {
    expect(readingOf('errors', [one(1, { instance: 'a' }), one(2, { instance: 'b' })])).toEqual({
      error: 'errors: the query answered 2 series ({instance="a"}, {instance="b"}): aggregate it to one (sum(), max())',
    });
    expect(readingOf('rowsIn', [one(-3)])).toEqual({ error: 'rowsIn: the query answered -3, not a number ≥ 0' });
    expect(readingOf('cpuPct', [one(Number.POSITIVE_INFINITY)])).toMatchObject({ error: expect.stringContaining('Infinity') });
  });
});

describe('TotalCounter', () => {
  it('starts counting at the first answer; a time with no answer moves nothing, the next carries what happened', () => {
    const total = new TotalCounter();
    expect(total.next('restarts', [one(5)])).toEqual({ missing: true });
    expect(total.next('restarts', [one(6)])).toEqual({ value: 1 });
    expect(total.next('restarts', [])).toEqual({ missing: true });
    expect(total.next('restarts', [one(9)])).toEqual({ value: 3 });
    expect(total.next('restarts', [one(9)])).toEqual({ value: 0 });
  });

  it('counts series by series: a reset counts the new value, a new series its whole value', () => {
    const total = new TotalCounter();
    total.next('transactions', [one(10, { i: 'a' })]);
    expect(total.next('transactions', [one(4, { i: 'a' }), one(2, { i: 'b' })])).toEqual({ value: 6 });
    expect(total.next('transactions', [one(7, { i: 'a' }), one(3, { i: 'b' })])).toEqual({ value: 4 });
  });

  it('refuses a negative total', () => {
    expect(new TotalCounter().next('restarts', [one(-1, { job: 'v2' })])).toEqual({ error: 'restarts: the total answered -1 for {job="v2"}, not a counter' });
  });
});

describe('capParts', () => {
  it('raises the whole to its part, as for the scrape', () => {
    const fields = { transactions: 2, errors: 3, retryableErrors: 4, dbConnectAttempts: 1, dbConnectFailures: 2 };
    capParts(fields);
    expect(fields).toEqual({ transactions: 4, errors: 4, retryableErrors: 4, dbConnectAttempts: 2, dbConnectFailures: 2 });
  });
});
