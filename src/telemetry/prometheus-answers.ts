import type { Sample } from '../criteria/telemetry-schema.ts';
import { describeLabels, type Series } from './prometheus-client.ts';
import { isCountSignal, type PrometheusSignal } from './prometheus-schema.ts';

/**
 * How Prometheus's answers become telemetry fields, the same for the drill's instant queries and for
 * `drill decide --prometheus`'s range queries. An answer with no series, or NaN, is no answer: the
 * field is missing, never 0.
 */

export type Reading = { value: number } | { missing: true } | { error: string };

/** A query's one value at one time: several series are refused (which one would be V2's?), negatives too. */
export function readingOf(signal: PrometheusSignal, values: Array<{ labels: Record<string, string>; value: number }>): Reading {
  const present = values.filter((v) => !Number.isNaN(v.value));
  if (present.length === 0) return { missing: true };
  if (present.length > 1) {
    const shown = present
      .slice(0, 3)
      .map((v) => describeLabels(v.labels))
      .join(', ');
    return { error: `${signal}: the query answered ${present.length} series (${shown}${present.length > 3 ? ', …' : ''}): aggregate it to one (sum(), max())` };
  }
  const { value } = present[0]!;
  if (!Number.isFinite(value) || value < 0) return { error: `${signal}: the query answered ${value}, not a number ≥ 0` };
  return { value: isCountSignal(signal) ? Math.round(value) : value };
}

/**
 * A cumulative counter turned into counts of intervals, series by series: the first answer is where
 * counting starts (what happened before is no interval's); then each series counts its increase since
 * its own previous value — its whole value when it went down (the counter restarted from zero) or
 * when the series is new. A time with no series answers nothing and moves nothing: the next answer
 * carries what happened meanwhile, so a change while the service was down is still counted once.
 */
export class TotalCounter {
  private readonly last = new Map<string, number>();
  private started = false;

  next(signal: PrometheusSignal, values: Array<{ labels: Record<string, string>; value: number }>): Reading {
    const present = values.filter((v) => Number.isFinite(v.value));
    if (present.length === 0) return { missing: true };
    const negative = present.find((v) => v.value < 0);
    if (negative) return { error: `${signal}: the total answered ${negative.value} for ${describeLabels(negative.labels)}, not a counter` };
    let sum = 0;
    for (const { labels, value } of present) {
      const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
      const before = this.last.get(key);
      sum += before === undefined ? value : value < before ? value : value - before;
      this.last.set(key, value);
    }
    if (!this.started) {
      this.started = true;
      return { missing: true };
    }
    return { value: Math.round(sum) };
  }
}

/** The series' values at one time (an instant answer has one point per series). */
export function valuesAt(series: readonly Series[], t?: number): Array<{ labels: Record<string, string>; value: number }> {
  const out: Array<{ labels: Record<string, string>; value: number }> = [];
  for (const s of series) {
    const point = t === undefined ? s.points[0] : s.points.find((p) => p.t === t);
    if (point) out.push({ labels: s.labels, value: point.value });
  }
  return out;
}

/**
 * Parts never exceed their whole: two queries evaluated over slightly different scrapes (or increase()'s
 * extrapolation) could report more errors than transactions; the whole is raised, as for the scrape.
 */
export function capParts(fields: Partial<Sample>): void {
  const cap = (part: 'retryableErrors' | 'errors' | 'dbConnectFailures', whole: 'errors' | 'transactions' | 'dbConnectAttempts') => {
    const p = fields[part];
    const w = fields[whole];
    if (p !== undefined && w !== undefined && p > w) fields[whole] = p;
  };
  cap('retryableErrors', 'errors');
  cap('errors', 'transactions');
  cap('dbConnectFailures', 'dbConnectAttempts');
}
