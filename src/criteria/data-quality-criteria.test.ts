import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { at, series } from './telemetry.test-support.ts';

const baseline = { kpis: { disbursements: 1000, par30: 0.031 } };

describe('KPI variance > 5% vs baseline (fires on the first sample)', () => {
  it('4.9% continues, 5.1% rolls back naming the KPI', () => {
    expect(evaluate(series([[0, { kpis: { disbursements: 1049 } }]], baseline)).decision).toBe('continue');
    const decision = evaluate(
      series(
        [
          [0, { kpis: { disbursements: 1000 } }],
          [60, { kpis: { disbursements: 1051, par30: 0.031 } }],
        ],
        baseline,
      ),
    );
    expect(decision.fired).toEqual([
      expect.objectContaining({
        id: 'kpi-variance',
        firstHeldAt: at(60),
        firedAt: at(60),
        value: expect.closeTo(0.051, 12),
        threshold: 0.05,
        detail: 'disbursements 1051 vs baseline 1000',
      }),
    ]);
  });

  it('exactly 5% does not fire; a drop counts like a rise', () => {
    expect(evaluate(series([[0, { kpis: { disbursements: 1050 } }]], baseline)).decision).toBe('continue');
    expect(evaluate(series([[0, { kpis: { disbursements: 949 } }]], baseline)).decision).toBe('rollback');
  });

  it('reports the worst KPI of the sample', () => {
    const decision = evaluate(series([[0, { kpis: { disbursements: 1001, par30: 0.04 } }]], baseline));
    expect(decision.fired[0]?.detail).toBe('par30 0.04 vs baseline 0.031');
  });

  it('a KPI without a baseline value says nothing', () => {
    const decision = evaluate(series([[0, { kpis: { unknown_kpi: 1e9 } }]], baseline));
    expect(decision.evaluated.find((e) => e.id === 'kpi-variance')).toMatchObject({ status: 'no-data', samples: 0 });
  });

  it('minor variance (< 1%) never fires, even under a stricter threshold', () => {
    const stricter = { overrides: { criteria: { 'kpi-variance': { threshold: 0.005 } } } };
    const minor = evaluate(series([[0, { kpis: { disbursements: 1008 } }]], baseline), undefined, stricter);
    expect(minor.decision).toBe('continue');
    expect(minor.heldBack).toEqual([
      { rule: 'minor-variance', criterion: 'kpi-variance', at: at(0), reason: 'KPI variance 0.8% < 1% is minor (disbursements 1008 vs baseline 1000)' },
    ]);
    expect(evaluate(series([[0, { kpis: { disbursements: 1011 } }]], baseline), undefined, stricter).decision).toBe('rollback');
  });
});

describe('data loss: rows in an interval that neither reached the output nor are explained by its errors', () => {
  it('rowsIn = rowsOut continues; one row short rolls back', () => {
    expect(evaluate(series([[0, { rowsIn: 100, rowsOut: 100 }]])).decision).toBe('continue');
    const decision = evaluate(series([[0, { rowsIn: 100, rowsOut: 99 }]]));
    expect(decision.fired).toEqual([expect.objectContaining({ id: 'data-loss', value: 1, detail: 'rowsIn 100, rowsOut 99, errors 0, nullHandlingErrors 0' })]);
  });

  it('missing rows explained by errors are not data loss (the error criteria judge those)', () => {
    const decision = evaluate(series([[0, { rowsIn: 1000, rowsOut: 998, transactions: 1000, errors: 2 }]]));
    expect(decision.evaluated.find((e) => e.id === 'data-loss')).toMatchObject({ status: 'clear', worst: 0 });
  });

  it('more output than input (a backlog draining) is not loss', () => {
    expect(evaluate(series([[0, { rowsIn: 10, rowsOut: 50 }]])).decision).toBe('continue');
  });

  it('needs both rowsIn and rowsOut', () => {
    expect(
      evaluate(
        series([
          [0, { rowsIn: 100 }],
          [10, { rowsOut: 0 }],
        ]),
      ).evaluated.find((e) => e.id === 'data-loss')?.status,
    ).toBe('no-data');
  });
});

describe('null-handling errors > 0', () => {
  it('0 continues, 1 rolls back', () => {
    expect(evaluate(series([[0, { nullHandlingErrors: 0 }]])).decision).toBe('continue');
    expect(
      evaluate(
        series([
          [0, { nullHandlingErrors: 0 }],
          [5, { nullHandlingErrors: 1 }],
        ]),
      ).fired,
    ).toEqual([expect.objectContaining({ id: 'null-handling', firstHeldAt: at(5), value: 1 })]);
  });
});

describe('output format incompatibility', () => {
  it('is listed as not measured, never silently dropped', () => {
    expect(evaluate(series([])).evaluated.find((e) => e.id === 'output-format')).toMatchObject({ status: 'not-measured', note: expect.stringContaining('output files') });
  });
});
