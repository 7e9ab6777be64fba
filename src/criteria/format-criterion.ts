import type { Comparator } from '../util/compare.ts';
import type { MeasuredCriterion, Unit } from './criteria.ts';

/** "2 min", "1 m 59 s", "4 m 59.5 s", "45 s": whole minutes read as the runbook writes them. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = trim((ms % 60_000) / 1000, 3);
  if (minutes === 0) return `${seconds} s`;
  return seconds === '0' ? `${minutes} min` : `${minutes} m ${seconds} s`;
}

export function formatValue(value: number | boolean, unit: Unit): string {
  if (typeof value === 'boolean') return value ? 'available' : 'unavailable';
  switch (unit) {
    case 'ms':
      // Latency reads as the runbook writes it ("60 seconds"), not as a duration ("1 min").
      return `${trim(value / 1000, 3)} s`;
    case 'ratio':
      return `${trim(value * 100, 2)}%`;
    case '%':
      return `${trim(value, 2)}%`;
    case 'MB':
      return `${trim(value, 2)} MB`;
    case 'rows':
      return `${value} rows`;
    case 'count':
    case 'available':
      return String(value);
  }
}

const symbols: Record<Comparator, string> = { '>': '>', '>=': '≥', '<': '<', '<=': '≤', '==': '=' };

export function comparatorSymbol(comparator: Comparator): string {
  return symbols[comparator];
}

/** Rendered from the numbers in force, so an overridden threshold never shows the seed's default. */
export function criterionTitle(criterion: MeasuredCriterion): string {
  const { sustain, windowMs } = criterion;
  if (typeof criterion.threshold === 'boolean') {
    return sustain ? `${criterion.name} ${symbols[sustain.comparator]} ${formatDuration(sustain.ms)}` : criterion.name;
  }
  let title = `${criterion.name} ${symbols[criterion.comparator]} ${formatValue(criterion.threshold, criterion.unit)}`;
  if (windowMs !== undefined) title += ` within ${formatDuration(windowMs)}`;
  if (sustain) title += `, sustained ${symbols[sustain.comparator]} ${formatDuration(sustain.ms)}`;
  return title;
}

function trim(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}
