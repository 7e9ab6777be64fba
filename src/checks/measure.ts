import type { TestRecord } from '../journal/journal-types.ts';
import type { Measurement } from './check.ts';

/** Nothing to measure: the check is inconclusive, never passed. */
export const notMeasured = (what: string): Measurement => ({ value: undefined, message: `${what} was not measured` });

/**
 * A fact a step recorded, whatever the step's status: a step records its facts before it fails on
 * them, so the check that judges the fact fails for its own reason instead of staying unmeasured.
 */
export function recorded(test: TestRecord, stepId: string, key: string): unknown {
  return test.steps.find((s) => s.id === stepId && s.status !== 'skipped')?.output?.[key];
}

/** At most `max` items, then how many more: an Issues line is read by a person, never thousands of keys. */
export function sample(items: readonly string[], total = items.length, max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return total > max ? `${shown} … (${total - max} more)` : shown;
}
