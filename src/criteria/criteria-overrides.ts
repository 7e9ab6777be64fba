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

const enabledField = enabled.describe('false: the criterion never fires.');
const sustainField = durationMs.optional().describe('How long the condition must hold before it fires.');
const sustained = (title: string, unit: string, threshold: z.ZodNumber) =>
  z
    .strictObject({ enabled: enabledField, threshold: threshold.optional().describe(unit), sustainMs: sustainField })
    .optional()
    .describe(title);
const instant = (title: string, unit: string, threshold: z.ZodNumber) =>
  z
    .strictObject({ enabled: enabledField, threshold: threshold.optional().describe(unit) })
    .optional()
    .describe(title);
const durationOnly = (title: string) => z.strictObject({ enabled: enabledField, sustainMs: sustainField }).optional().describe(title);

export const criteriaOverridesSchema = z.strictObject({
  criteria: z
    .strictObject({
      latency: sustained('End-to-end latency.', 'ms', z.number().positive()),
      memory: sustained('Memory.', 'MB of resident memory', z.number().positive()),
      cpu: sustained('CPU.', 'percent of one core', z.number().positive()),
      throughput: sustained('Throughput.', 'fraction of the baseline throughput, fires below it', fraction),
      'kpi-variance': instant('KPI variance against the baseline.', 'fraction: |value − baseline| / |baseline|', fraction),
      'data-loss': instant('Data loss.', 'rows an interval lost beyond what its errors explain', z.number().int().nonnegative()),
      'null-handling': instant('Null-handling errors.', 'null-handling errors in an interval', z.number().int().nonnegative()),
      'error-rate': instant('Error rate.', 'fraction of transactions', fraction),
      'db-connect-failures': instant('DB connection failures.', 'fraction of connection attempts', fraction),
      'crash-loop': z
        .strictObject({
          enabled: enabledField,
          threshold: z.number().int().positive().optional().describe('fires at this many restarts within windowMs'),
          windowMs: durationMs.optional().describe('The window the restarts are counted over.'),
        })
        .optional()
        .describe('Crash loop.'),
      deadlocks: durationOnly('Unrecoverable deadlocks.'),
      'blob-unavailable': durationOnly('Blob storage unavailable.'),
      'database-unavailable': durationOnly('Database unavailable.'),
      'source-unavailable': durationOnly('Data source unavailable.'),
    })
    .optional()
    .describe("Overrides of the seed's thresholds, by criterion id; each criterion takes only the fields that mean something for it."),
  notTrigger: z
    .strictObject({
      'isolated-retryable-error': z
        .strictObject({
          maxErrors: z.number().int().nonnegative().optional().describe('At most this many errors in the interval, all retryable.'),
          isolationMs: z.number().int().nonnegative().optional().describe('No other sample within ± this reports one.'),
        })
        .optional()
        .describe('Single isolated errors (retryable): an error-rate or DB-connection crossing is held back.'),
      'minor-variance': z
        .strictObject({ below: z.number().nonnegative().max(1).optional().describe('KPI variance below this never fires.') })
        .optional()
        .describe('Minor variance never fires.'),
      'temporary-degradation': z
        .strictObject({ ms: durationMs.optional().describe("How long a performance criterion must hold; a criterion's own sustainMs wins over it.") })
        .optional()
        .describe('Temporary degradation: latency, memory, CPU and throughput must be sustained.'),
    })
    .optional()
    .describe('The NOT-trigger rules: what holds a crossing back.'),
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
