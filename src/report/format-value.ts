import type { CheckRecord } from '../journal/journal-types.ts';
import { formatMs } from '../util/format.ts';

/** A check's value or threshold as a reader wants it: milliseconds as time, other units after the number. */
export function formatValue(value: CheckRecord['value'], unit?: string): string {
  if (value === null) return '—';
  if (typeof value === 'number' && unit === 'ms') return formatMs(value);
  return `${String(value)}${unit && unit !== 'ms' ? ` ${unit}` : ''}`;
}
