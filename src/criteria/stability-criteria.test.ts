import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { at, readings, series } from './telemetry.test-support.ts';

describe('error rate > 5% of transactions', () => {
  it('exactly 5% continues, 5.1% rolls back', () => {
    expect(evaluate(series([[0, { transactions: 1000, errors: 50 }]])).decision).toBe('continue');
    expect(evaluate(series([[0, { transactions: 1000, errors: 51 }]])).fired).toEqual([
      expect.objectContaining({ id: 'error-rate', value: 0.051, detail: '51 of 1000 transactions' }),
    ]);
  });

  it('one isolated retryable error continues, with the held-back reason', () => {
    const decision = evaluate(
      series([
        [0, { transactions: 10, errors: 0 }],
        [60, { transactions: 10, errors: 1, retryableErrors: 1 }],
        [120, { transactions: 10, errors: 0 }],
      ]),
    );
    expect(decision.decision).toBe('continue');
    expect(decision.heldBack).toEqual([
      {
        rule: 'isolated-retryable-error',
        criterion: 'error-rate',
        at: at(60),
        reason: '1 isolated retryable error: error rate 10% (1 of 10 transactions), no other within ±5 min',
      },
    ]);
  });

  it('one error that is not retryable rolls back', () => {
    expect(evaluate(series([[0, { transactions: 10, errors: 1, retryableErrors: 0 }]])).decision).toBe('rollback');
  });

  it('two retryable errors in one interval are not single', () => {
    expect(evaluate(series([[0, { transactions: 20, errors: 2, retryableErrors: 2 }]])).decision).toBe('rollback');
  });

  it('another error within ±5 min means not isolated; one 5 min 1 s away does not count', () => {
    const near = series([
      [0, { transactions: 10, errors: 1, retryableErrors: 1 }],
      [300, { transactions: 1000, errors: 1, retryableErrors: 1 }],
    ]);
    expect(evaluate(near).fired.map((f) => f.id)).toEqual(['error-rate']);
    const far = series([
      [0, { transactions: 10, errors: 1, retryableErrors: 1 }],
      [301, { transactions: 1000, errors: 1, retryableErrors: 1 }],
    ]);
    expect(evaluate(far).decision).toBe('continue');
  });

  it('an interval without transactions says nothing', () => {
    expect(
      evaluate(
        series([
          [0, { transactions: 0, errors: 0 }],
          [10, { errors: 5 }],
        ]),
      ).evaluated.find((e) => e.id === 'error-rate')?.status,
    ).toBe('no-data');
  });
});

describe('DB connection failures > 10% of attempts', () => {
  it('exactly 10% continues, 10.1% rolls back', () => {
    expect(evaluate(series([[0, { dbConnectAttempts: 100, dbConnectFailures: 10 }]])).decision).toBe('continue');
    expect(evaluate(series([[0, { dbConnectAttempts: 1000, dbConnectFailures: 101 }]])).fired.map((f) => f.id)).toEqual(['db-connect-failures']);
  });

  it('a single isolated failed attempt is a retryable error, held back', () => {
    const decision = evaluate(series([[0, { dbConnectAttempts: 2, dbConnectFailures: 1 }]]));
    expect(decision.decision).toBe('continue');
    expect(decision.heldBack[0]).toMatchObject({
      rule: 'isolated-retryable-error',
      criterion: 'db-connect-failures',
      reason: expect.stringMatching(/^1 isolated retryable error \(DB connection failure\)/),
    });
  });
});

describe('repeated crash/restart cycles: ≥ 3 restarts within 10 min', () => {
  it('3 restarts within 10 min (inclusive) roll back; the first restart is when it started', () => {
    const decision = evaluate(
      series([
        [0, { restarts: 0 }],
        [60, { restarts: 1 }],
        [360, { restarts: 1 }],
        [660, { restarts: 1 }],
      ]),
    );
    expect(decision.fired).toEqual([expect.objectContaining({ id: 'crash-loop', firstHeldAt: at(60), firedAt: at(660), value: 3, threshold: 3, windowMs: 600_000 })]);
  });

  it('2 restarts (N − 1) continue', () => {
    const decision = evaluate(
      series([
        [0, { restarts: 1 }],
        [60, { restarts: 1 }],
      ]),
    );
    expect(decision.decision).toBe('continue');
    expect(decision.evaluated.find((e) => e.id === 'crash-loop')).toMatchObject({ status: 'clear', worst: 2 });
  });

  it('3 restarts spread over 10 min 1 s continue', () => {
    expect(
      evaluate(
        series([
          [0, { restarts: 1 }],
          [300, { restarts: 1 }],
          [601, { restarts: 1 }],
        ]),
      ).decision,
    ).toBe('continue');
  });

  it('3 restarts in one interval roll back', () => {
    expect(evaluate(series([[0, { restarts: 3 }]])).decision).toBe('rollback');
  });
});

describe('unrecoverable deadlocks: deadlocks reported in every sample for ≥ 2 min', () => {
  it('a deadlock the database resolved is held back', () => {
    const decision = evaluate(
      series([
        [0, { deadlocks: 1 }],
        [30, { deadlocks: 0 }],
      ]),
    );
    expect(decision.decision).toBe('continue');
    expect(decision.heldBack).toEqual([{ rule: 'minimum-duration', criterion: 'deadlocks', at: at(0), reason: 'Deadlocks > 0 for 0 s, not ≥ 2 min' }]);
  });

  it('1 m 59 s continues, 2 m 1 s rolls back', () => {
    expect(evaluate(series(readings([0, 60, 119], { deadlocks: 2 }))).decision).toBe('continue');
    expect(evaluate(series(readings([0, 60, 121], { deadlocks: 2 }))).fired.map((f) => f.id)).toEqual(['deadlocks']);
  });
});
