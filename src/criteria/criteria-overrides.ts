import { z } from 'zod';
import type { CriteriaSet, Criterion, MeasuredCriterion } from './criteria.ts';

/**
 * Overrides of the seed's thresholds, meant for an environment's config (`criteria: {…}`).
 * Strict per criterion: a key that means nothing for a criterion (`latency.windowMs`) or a
 * misspelt id is an error naming its path, not a setting silently ignored.
 */

const durationMs = z.number().int().positive();
const fraction = z.number().positive().max(1);
const enabled = z.boolean().optional();

const sustained = (threshold: z.ZodNumber) => z.strictObject({ enabled, threshold: threshold.optional(), sustainMs: durationMs.optional() }).optional();
const instant = (threshold: z.ZodNumber) => z.strictObject({ enabled, threshold: threshold.optional() }).optional();
const durationOnly = () => z.strictObject({ enabled, sustainMs: durationMs.optional() }).optional();

export const criteriaOverridesSchema = z.strictObject({
  criteria: z
    .strictObject({
      /** ms */
      latency: sustained(z.number().positive()),
      /** MB of resident memory */
      memory: sustained(z.number().positive()),
      /** percent of one core */
      cpu: sustained(z.number().positive()),
      /** fraction of the baseline throughput, fires below it */
      throughput: sustained(fraction),
      /** fraction: |value − baseline| / |baseline| */
      'kpi-variance': instant(fraction),
      /** rows an interval lost beyond what its errors explain */
      'data-loss': instant(z.number().int().nonnegative()),
      'null-handling': instant(z.number().int().nonnegative()),
      /** fraction of transactions */
      'error-rate': instant(fraction),
      /** fraction of connection attempts */
      'db-connect-failures': instant(fraction),
      /** fires at this many restarts within windowMs */
      'crash-loop': z.strictObject({ enabled, threshold: z.number().int().positive().optional(), windowMs: durationMs.optional() }).optional(),
      deadlocks: durationOnly(),
      'blob-unavailable': durationOnly(),
      'database-unavailable': durationOnly(),
      'source-unavailable': durationOnly(),
    })
    .optional(),
  notTrigger: z
    .strictObject({
      'isolated-retryable-error': z.strictObject({ maxErrors: z.number().int().nonnegative().optional(), isolationMs: z.number().int().nonnegative().optional() }).optional(),
      'minor-variance': z.strictObject({ below: z.number().nonnegative().max(1).optional() }).optional(),
      /** How long a performance criterion must hold; a criterion's own sustainMs wins over it. */
      'temporary-degradation': z.strictObject({ ms: durationMs.optional() }).optional(),
    })
    .optional(),
});

export type CriteriaOverrides = z.input<typeof criteriaOverridesSchema>;

interface CriterionOverride {
  enabled?: boolean;
  threshold?: number;
  sustainMs?: number;
  windowMs?: number;
}

/** Returns a new set: the defaults are shared and never mutated. Validates first, so a typed caller gets the same errors as a config file. */
export function applyOverrides(set: CriteriaSet, overrides: CriteriaOverrides = {}): CriteriaSet {
  const parsed = criteriaOverridesSchema.parse(overrides);
  const rules = parsed.notTrigger ?? {};
  const notTrigger = {
    'isolated-retryable-error': { ...set.notTrigger['isolated-retryable-error'], ...defined(rules['isolated-retryable-error']) },
    'minor-variance': { ...set.notTrigger['minor-variance'], ...defined(rules['minor-variance']) },
    'temporary-degradation': { ...set.notTrigger['temporary-degradation'], ...defined(rules['temporary-degradation']) },
    'informational-warnings': set.notTrigger['informational-warnings'],
  };
  const byId = (parsed.criteria ?? {}) as Record<string, CriterionOverride | undefined>;
  const criteria = set.criteria.map((criterion): Criterion => {
    if (criterion.signal === null) return criterion;
    return override(criterion, byId[criterion.id] ?? {}, notTrigger['temporary-degradation'].ms);
  });
  return { criteria, notTrigger };
}

function override(criterion: MeasuredCriterion, o: CriterionOverride, degradationMs: number): MeasuredCriterion {
  const next: MeasuredCriterion = { ...criterion };
  if (o.enabled !== undefined) next.enabled = o.enabled;
  if (o.threshold !== undefined) next.threshold = o.threshold;
  if (o.windowMs !== undefined) next.windowMs = o.windowMs;
  if (criterion.sustain) {
    const inherited = criterion.sustain.heldBackAs === 'temporary-degradation' ? degradationMs : criterion.sustain.ms;
    next.sustain = { ...criterion.sustain, ms: o.sustainMs ?? inherited };
  }
  return next;
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
