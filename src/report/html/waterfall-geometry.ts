import type { StepStatus, TestRecord } from '../../journal/journal-types.ts';

export const defaultRollbackBudgetMs = 300_000;

export interface WaterfallBar {
  stepId: string;
  title: string;
  status: StepStatus;
  /** From the first rollback step's start. */
  startMs: number;
  durationMs: number;
  x: number;
  width: number;
  /** The same bar in the zoomed panel, whose full width is the rollback window itself. */
  zoomX: number;
  zoomWidth: number;
  /** The step's own budget (check `step-budget:<id>`), and where it ends on the axis. */
  stepBudgetMs?: number;
  stepBudgetX?: number;
}

export interface WaterfallGeometry {
  testId: string;
  budgetMs: number;
  /** The measured rollback window; undefined when the rollback did not complete. */
  rollbackMs?: number;
  /** Start of the first rollback step → end of the last one, measured or not. */
  spanMs: number;
  /** What the full plot width stands for: the budget, or the span if the rollback overran it. */
  scaleMs: number;
  /** What the zoomed panel's full width stands for: the window, so the steps' shape shows. */
  zoomScaleMs: number;
  plotWidth: number;
  budgetX: number;
  bars: WaterfallBar[];
}

/** The budget the journal holds for this test (check `rollback-within-budget`), else the runbook's 300 s. */
export function rollbackBudgetMs(test: TestRecord): number {
  const threshold = test.checks.find((c) => c.id === 'rollback-within-budget')?.threshold;
  return typeof threshold === 'number' && threshold > 0 ? threshold : defaultRollbackBudgetMs;
}

/**
 * One bar per step of the rollback phase, on an axis scaled to the budget: a 1 s rollback against
 * 300 s is a sliver, and that is the truth the picture must tell. The same bars zoomed to the
 * window show which step the time went to. Every bar is at least `minWidth` wide so a 0 ms step
 * (or a skipped one) is still there to see and to count.
 */
export function waterfallGeometry(test: TestRecord, options: { plotWidth: number; minWidth?: number; budgetMs?: number }): WaterfallGeometry | undefined {
  const steps = test.steps.filter((s) => s.phase === 'rollback');
  if (steps.length === 0) return undefined;
  const { plotWidth, minWidth = 1 } = options;
  const budgetMs = options.budgetMs ?? rollbackBudgetMs(test);
  const t0 = Math.min(...steps.map((s) => Date.parse(s.startedAt)));
  const placed = steps.map((s) => ({ step: s, startMs: Math.max(0, Date.parse(s.startedAt) - t0) }));
  const spanMs = Math.max(...placed.map((p) => p.startMs + p.step.durationMs));
  const scaleMs = Math.max(budgetMs, spanMs, test.rollbackMs ?? 0);
  const zoomScaleMs = Math.max(spanMs, test.rollbackMs ?? 0, 1);
  const x = (ms: number) => round((ms / scaleMs) * plotWidth);
  const zx = (ms: number) => round((ms / zoomScaleMs) * plotWidth);
  const stepBudgets = new Map(
    test.checks.filter((c) => c.id.startsWith('step-budget:') && typeof c.threshold === 'number').map((c) => [c.id.slice('step-budget:'.length), c.threshold as number]),
  );
  const bars = placed.map(({ step, startMs }): WaterfallBar => {
    const left = Math.min(x(startMs), plotWidth - minWidth);
    const stepBudgetMs = stepBudgets.get(step.id);
    return {
      stepId: step.id,
      title: step.title,
      status: step.status,
      startMs,
      durationMs: step.durationMs,
      x: left,
      width: Math.max(minWidth, x(startMs + step.durationMs) - x(startMs)),
      zoomX: Math.min(zx(startMs), plotWidth - minWidth),
      zoomWidth: Math.max(minWidth, zx(startMs + step.durationMs) - zx(startMs)),
      ...(stepBudgetMs === undefined ? {} : { stepBudgetMs, stepBudgetX: Math.min(plotWidth, x(startMs + stepBudgetMs)) }),
    };
  });
  return {
    testId: test.id,
    budgetMs,
    ...(test.rollbackMs === undefined ? {} : { rollbackMs: test.rollbackMs }),
    spanMs,
    scaleMs,
    zoomScaleMs,
    plotWidth,
    budgetX: x(budgetMs),
    bars,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
