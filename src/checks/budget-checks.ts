import type { DrillWorld } from '../runner/world.ts';
import type { CheckDefinition } from './check.ts';

/** The total budget, and one check per configured step budget whose step this plan has. */
export function budgetChecks(world: DrillWorld, stepIds: string[]): CheckDefinition[] {
  const { rollbackMs, steps } = world.env.budgets;
  const total: CheckDefinition = {
    id: 'rollback-within-budget',
    title: `Rollback completed within ${rollbackMs / 1000} s (stop V2 → V1 healthy and validated)`,
    unit: 'ms',
    threshold: rollbackMs,
    comparator: '<=',
    measure: (test) => ({ value: test.rollbackMs, ...(test.rollbackMs === undefined ? { message: 'the rollback did not complete' } : {}) }),
  };
  const perStep = Object.entries(steps)
    .filter(([stepId]) => stepIds.includes(stepId))
    .map(
      ([stepId, budgetMs]): CheckDefinition => ({
        id: `step-budget:${stepId}`,
        title: `Step ${stepId} within ${budgetMs / 1000} s`,
        unit: 'ms',
        threshold: budgetMs,
        comparator: '<=',
        measure: (test) => {
          const step = test.steps.find((s) => s.id === stepId)!;
          return step.status === 'passed' ? { value: step.durationMs } : { value: undefined, message: `step ${stepId} ${step.status}` };
        },
      }),
    );
  return [total, ...perStep];
}
