import type { Comparator } from '../util/compare.ts';
import type { Category, HoldBackRuleId, Unit } from './criteria.ts';

/** A criterion that fired: the decision is rollback. */
export interface Fired {
  id: string;
  title: string;
  category: Category;
  /** When the condition started to hold: the first sample of the run (or of the window) that fired. */
  firstHeldAt: string;
  /** The sample at which the criterion was met (= firstHeldAt for instant criteria; later for sustained ones). */
  firedAt: string;
  /** The reading at firedAt (a window's sum for the crash loop; `false` for an unavailable dependency). */
  value: number | boolean;
  threshold: number | boolean;
  comparator: Comparator;
  unit: Unit;
  /** Sustained criteria: firedAt − firstHeldAt. */
  heldMs?: number;
  windowMs?: number;
  detail?: string;
}

/** A crossing that a rule kept from firing; one entry per criterion and rule. */
export interface HeldBack {
  rule: HoldBackRuleId;
  criterion: string;
  reason: string;
  at: string;
}

export type EvaluatedStatus = 'fired' | 'held-back' | 'clear' | 'no-data' | 'not-measured' | 'disabled';

export interface Evaluated {
  id: string;
  title: string;
  category: Category;
  status: EvaluatedStatus;
  /** Samples that said something about this criterion. */
  samples: number;
  /** The reading furthest towards firing (largest, or smallest for a "<" criterion; a window's largest sum). */
  worst?: number | boolean;
  threshold?: number | boolean;
  comparator?: Comparator;
  unit?: Unit;
  note?: string;
}

export interface Decision {
  decision: 'rollback' | 'continue';
  fired: Fired[];
  heldBack: HeldBack[];
  evaluated: Evaluated[];
  samples: number;
  from?: string;
  to?: string;
}
