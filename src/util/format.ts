export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} m ${((ms % 60_000) / 1000).toFixed(1)} s`;
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/** A check's value or threshold as a reader wants it: milliseconds as time, other units after the number. */
export function formatValue(value: number | string | boolean | null, unit?: string): string {
  if (value === null) return '—';
  if (typeof value === 'number' && unit === 'ms') return formatMs(value);
  return `${String(value)}${unit && unit !== 'ms' ? ` ${unit}` : ''}`;
}
