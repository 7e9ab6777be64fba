import type { KpiPoint } from './kpi-compare.ts';

/** Which KpiPoint field comes from which column of a row (a query's result or a parquet file). */
export interface KpiColumns {
  asOf: string;
  segment: string;
  kpi: string;
  value: string;
}

/** Column → required value, compared as text: `{ run_id: 'v2-…' }`. Applied before any mapping. */
export type KpiFilter = Readonly<Record<string, string>>;

const isoDay = /^(\d{4})-(\d{2})-(\d{2})(?=$|[T ])/;

/** Where a value came from, for messages; a function when building the text for every row would cost more than reading it. */
export type Where = string | (() => string);
const place = (where: Where) => (typeof where === 'string' ? where : where());

// Parquet dates come back as Date objects, the same few days over and over: format each once.
const days = new Map<number, string>();

/** A valid Date's day in UTC, 'YYYY-MM-DD'. */
function utcDay(date: Date): string {
  const time = date.getTime();
  let day = days.get(time);
  if (day === undefined) {
    if (days.size > 100_000) days.clear();
    day = date.toISOString().slice(0, 10);
    days.set(time, day);
  }
  return day;
}

/**
 * 'YYYY-MM-DD' from a Date (read in UTC: hyparquet decodes a DATE column as UTC midnight, and a
 * local-time reading would shift it a day west of Greenwich) or from text that starts with a
 * real calendar day ('2024-01-31', '2024-01-31 00:00:00+00', '2024-01-31T00:00:00Z').
 * `where` names the row for the error message.
 */
export function normaliseAsOf(value: unknown, where: Where): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error(`${place(where)}: as-of is an invalid date`);
    return utcDay(value);
  }
  if (typeof value === 'string') {
    const match = isoDay.exec(value.trim());
    if (match) {
      const [day, y, m, d] = match as unknown as [string, string, string, string];
      // Date.UTC rolls 2024-02-30 over to March: a round trip that changes the text was no real day.
      if (new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).toISOString().slice(0, 10) === day) return day;
    }
  }
  throw new Error(`${place(where)}: as-of ${describe(value)} is not a date (expected a date or 'YYYY-MM-DD' text)`);
}

/** A KPI value as a number; null stays null ("no value"), numeric text and bigint are converted. */
export function normaliseValue(value: unknown, where: Where): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  // Counts written as INT64 come back as bigint; a KPI beyond 2^53 is not compared to the unit anyway.
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\s*([+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?|[+-]?Infinity|NaN)\s*$/i.test(value)) {
    return Number(
      value
        .trim()
        .replace(/^([+-]?)infinity$/i, '$1Infinity')
        .replace(/^nan$/i, 'NaN'),
    );
  }
  throw new Error(`${place(where)}: value ${describe(value)} is not a number`);
}

/** Segment and KPI names are text; a missing one cannot be paired with the other version's point. */
export function normaliseLabel(value: unknown, field: 'segment' | 'kpi', where: Where): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new Error(`${place(where)}: ${field} ${describe(value)} is not text`);
}

/** Maps one row to a KpiPoint through the column mapping. */
export function toKpiPoint(row: Readonly<Record<string, unknown>>, columns: KpiColumns, where: Where): KpiPoint {
  return {
    asOf: normaliseAsOf(row[columns.asOf], where),
    segment: normaliseLabel(row[columns.segment], 'segment', where),
    kpi: normaliseLabel(row[columns.kpi], 'kpi', where),
    value: normaliseValue(row[columns.value], where),
  };
}

/** A filtered column's value as the text a filter compares it to (a Date as its UTC day; null for no value). */
export function filterText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return utcDay(value);
  return String(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
}
