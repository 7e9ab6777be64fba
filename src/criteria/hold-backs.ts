import type { MeasuredCriterion, NotTriggerRules } from './criteria.ts';
import { formatDuration, formatValue } from './format-criterion.ts';
import type { HoldBackCheck, Point } from './holds.ts';
import type { Sample } from './telemetry-schema.ts';

/**
 * The NOT-trigger rules that apply to single crossings ("single isolated errors (retryable)",
 * "minor variance (< 1%)"). The duration rules live with the runs in holds.ts.
 */
export function holdBackCheck(criterion: MeasuredCriterion, samples: readonly Sample[], times: readonly number[], rules: NotTriggerRules): HoldBackCheck {
  const applicable = criterion.heldBackBy ?? [];
  return (point) => {
    if (applicable.includes('minor-variance')) {
      const { below } = rules['minor-variance'];
      if ((point.reading.value as number) < below) {
        return { rule: 'minor-variance', reason: `KPI variance ${formatValue(point.reading.value, 'ratio')} < ${formatValue(below, 'ratio')} is minor (${point.reading.detail})` };
      }
    }
    if (applicable.includes('isolated-retryable-error')) {
      const reason = isolatedRetryable(criterion, point, samples, times, rules['isolated-retryable-error']);
      if (reason) return { rule: 'isolated-retryable-error', reason };
    }
    return undefined;
  };
}

/**
 * Isolated: the interval has at most `maxErrors` errors, all retryable, and no other sample within
 * ±isolationMs of it reports one. A failed DB connection attempt counts as retryable by nature
 * (the pipeline reconnects); a failed transaction only when `retryableErrors` says so.
 */
function isolatedRetryable(
  criterion: MeasuredCriterion,
  point: Point,
  samples: readonly Sample[],
  times: readonly number[],
  rule: NotTriggerRules['isolated-retryable-error'],
): string | undefined {
  const field = criterion.signal === 'dbConnectFailureRate' ? 'dbConnectFailures' : 'errors';
  const sample = samples[point.index]!;
  const count = sample[field] ?? 0;
  if (count === 0 || count > rule.maxErrors) return undefined;
  if (field === 'errors' && (sample.retryableErrors ?? 0) < count) return undefined;
  const neighbour = samples.findIndex((other, k) => k !== point.index && Math.abs(times[k]! - point.time) <= rule.isolationMs && (other[field] ?? 0) > 0);
  if (neighbour !== -1) return undefined;
  const what = field === 'errors' ? 'error' : 'error (DB connection failure)';
  return (
    `${count} isolated retryable ${what}${count === 1 ? '' : 's'}: ${criterion.name.toLowerCase()} ${formatValue(point.reading.value, criterion.unit)} ` +
    `(${point.reading.detail}), no other within ±${formatDuration(rule.isolationMs)}`
  );
}
