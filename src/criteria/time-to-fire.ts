import { applyOverrides, type CriteriaOverrides } from './criteria-overrides.ts';
import { defaultCriteria, type MeasuredCriterion } from './criteria.ts';

/** Which criteria can detect each kind of harness-side fault, the fastest first. */
export const detectors: Record<'crash-loop' | 'hang' | 'database-cut', readonly string[]> = {
  'crash-loop': ['crash-loop'],
  // A frozen V2 answers nothing: only the age of the work it accepted and never finished shows it.
  hang: ['latency'],
  // The harness's own probe sees the outage; a V2 that reports its connection failures shows them first.
  'database-cut': ['db-connect-failures', 'database-unavailable', 'crash-loop'],
};

/**
 * The least time after a fault before a criterion can fire: a sustained criterion must hold for its
 * duration (latency must first grow past its threshold, for a run that started at the fault); an
 * outage must last longer than its minimum; an instant or windowed one can fire at the next sample.
 */
export function minimumTimeToFire(criterion: MeasuredCriterion): number {
  const sustain = criterion.sustain?.ms ?? 0;
  if (criterion.id === 'latency' && typeof criterion.threshold === 'number') return criterion.threshold + sustain;
  return sustain;
}

export interface Observability {
  /** Enabled criteria that cannot fire within the observation, with the least time each needs. */
  notObservable: Array<{ id: string; needsMs: number }>;
  observable: string[];
}

/** What a dry-run observing for `observeMs` can and cannot see, with the environment's overrides applied. */
export function observability(observeMs: number, overrides: CriteriaOverrides = {}): Observability {
  const set = applyOverrides(defaultCriteria, overrides);
  const measured = set.criteria.filter((c): c is MeasuredCriterion => c.signal !== null && c.enabled);
  const notObservable = measured.map((c) => ({ id: c.id, needsMs: minimumTimeToFire(c) })).filter((c) => c.needsMs >= observeMs);
  return { notObservable, observable: measured.map((c) => c.id).filter((id) => !notObservable.some((n) => n.id === id)) };
}
