import { describe, expect, it } from 'vitest';
import type { StepRecord, TestRecord } from '../../journal/journal-types.ts';
import { rollbackBudgetMs, waterfallGeometry } from './waterfall-geometry.ts';

const t0 = Date.parse('2026-01-02T03:04:00.000Z');
function step(id: string, phase: StepRecord['phase'], offsetMs: number, durationMs: number, status: StepRecord['status'] = 'passed'): StepRecord {
  return { id, title: `Step ${id}`, phase, startedAt: new Date(t0 + offsetMs).toISOString(), durationMs, status };
}
function test(steps: StepRecord[], extra: Partial<TestRecord> = {}): TestRecord {
  return { id: 'rollback-time', title: 'Rollback', status: 'passed', startedAt: new Date(t0).toISOString(), durationMs: 1, steps, checks: [], cleanup: [], evidence: [], ...extra };
}

describe('waterfallGeometry', () => {
  it('places one bar per rollback step, from its start, scaled to the 300 s budget', () => {
    const g = waterfallGeometry(
      test(
        [
          step('deploy-v2', 'setup', 0, 5000),
          step('stop-v2', 'rollback', 10_000, 30_000),
          step('start-v1', 'rollback', 40_000, 60_000),
          step('verify-v1', 'verify', 100_000, 1000),
        ],
        { rollbackMs: 90_000 },
      ),
      { plotWidth: 600 },
    )!;
    expect(g.bars.map((b) => b.stepId)).toEqual(['stop-v2', 'start-v1']);
    expect(g).toMatchObject({ budgetMs: 300_000, scaleMs: 300_000, budgetX: 600, spanMs: 90_000, rollbackMs: 90_000 });
    // 30 s of 300 s is a tenth of 600 px; start-v1 starts 30 s after stop-v2.
    expect(g.bars[0]).toMatchObject({ startMs: 0, x: 0, width: 60 });
    expect(g.bars[1]).toMatchObject({ startMs: 30_000, x: 60, width: 120 });
  });

  it('zooms the same bars to the window, so the steps keep their proportions', () => {
    const g = waterfallGeometry(test([step('stop-v2', 'rollback', 0, 250), step('start-v1', 'rollback', 250, 750)], { rollbackMs: 1000 }), { plotWidth: 400 })!;
    expect(g.zoomScaleMs).toBe(1000);
    expect(g.bars.map((b) => [b.zoomX, b.zoomWidth])).toEqual([
      [0, 100],
      [100, 300],
    ]);
    expect(g.bars.map((b) => b.width)).toEqual([1, 1]);
  });

  it('takes the budget from the rollback-within-budget check', () => {
    const t = test([step('stop-v2', 'rollback', 0, 30_000)], {
      checks: [{ id: 'rollback-within-budget', title: 'x', status: 'passed', value: 30_000, threshold: 60_000, unit: 'ms' }],
    });
    expect(rollbackBudgetMs(t)).toBe(60_000);
    expect(waterfallGeometry(t, { plotWidth: 600 })!.bars[0]!.width).toBe(300);
  });

  it('scales to the rollback when it overran the budget, with the budget line inside the plot', () => {
    const g = waterfallGeometry(test([step('stop-v2', 'rollback', 0, 200_000), step('start-v1', 'rollback', 200_000, 400_000)]), { plotWidth: 600 })!;
    expect(g.scaleMs).toBe(600_000);
    expect(g.budgetX).toBe(300);
    expect(g.bars[1]).toMatchObject({ x: 200, width: 400 });
  });

  it('keeps a 0 ms or skipped step visible at the minimum width, inside the plot', () => {
    const g = waterfallGeometry(test([step('stop-v2', 'rollback', 0, 300_000, 'failed'), step('start-v1', 'rollback', 300_000, 0, 'skipped')]), { plotWidth: 600, minWidth: 2 })!;
    expect(g.bars[1]).toMatchObject({ status: 'skipped', width: 2, x: 598 });
  });

  it('marks where a step budget ends', () => {
    const t = test([step('stop-v2', 'rollback', 0, 1000), step('v1-healthy', 'rollback', 1000, 2000)], {
      checks: [{ id: 'step-budget:v1-healthy', title: 'x', status: 'passed', value: 2000, threshold: 60_000, unit: 'ms' }],
    });
    const bar = waterfallGeometry(t, { plotWidth: 300 })!.bars[1]!;
    expect(bar).toMatchObject({ stepBudgetMs: 60_000, stepBudgetX: 61 });
  });

  it('draws nothing for a test with no rollback phase', () => {
    expect(waterfallGeometry(test([step('deploy-v2', 'setup', 0, 1)]), { plotWidth: 600 })).toBeUndefined();
  });
});
