import { z } from 'zod';
import type { Sample } from '../criteria/telemetry-schema.ts';

/**
 * Which /metrics series feed which telemetry field of the decision criteria. A selector is a series
 * key (`abaco_batches_total{status="failed"}`: that one series) or a bare name (`abaco_batches_total`:
 * the sum of all its series). Counters become per-interval counts; gauges are read as they are.
 */
const selector = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?$/, 'a metric name, optionally with {labels}');
const selectors = z.union([selector, z.array(selector).min(1)]);

export const telemetryMetricsSchema = z.strictObject({
  counters: z
    .strictObject({
      transactions: selectors.optional(),
      errors: selectors.optional(),
      retryableErrors: selectors.optional(),
      dbConnectAttempts: selectors.optional(),
      dbConnectFailures: selectors.optional(),
      deadlocks: selectors.optional(),
      nullHandlingErrors: selectors.optional(),
      rowsIn: selectors.optional(),
      rowsOut: selectors.optional(),
    })
    .default({}),
  gauges: z
    .strictObject({
      /** Seconds or milliseconds: say which with latencyUnit. */
      latency: selectors.optional(),
      latencyUnit: z.enum(['seconds', 'ms']).default('seconds'),
      throughputRowsPerSec: selectors.optional(),
    })
    .prefault({}),
});

export type TelemetryMetrics = z.output<typeof telemetryMetricsSchema>;
type CounterField = keyof TelemetryMetrics['counters'];

/** The value a selector picks out of one scrape (flattened `series key → value`), or undefined when absent. */
export function select(metrics: Record<string, number>, selector: string | string[]): number | undefined {
  const list = Array.isArray(selector) ? selector : [selector];
  let total: number | undefined;
  for (const one of list) {
    const value = one.includes('{') ? metrics[one] : sumOf(metrics, one);
    if (value !== undefined) total = (total ?? 0) + value;
  }
  return total;
}

function sumOf(metrics: Record<string, number>, name: string): number | undefined {
  let total: number | undefined;
  for (const [key, value] of Object.entries(metrics)) {
    if (key === name || key.startsWith(`${name}{`)) total = (total ?? 0) + value;
  }
  return total;
}

/**
 * The metric fields of one telemetry sample from two consecutive scrapes of the same process:
 * counters as the increase since the previous scrape (the whole value after a restart, when the
 * counter starts again from zero), gauges as read. Parts never exceed their whole (a scrape taken
 * between two counter updates could otherwise report more errors than transactions).
 */
export function metricFields(mapping: TelemetryMetrics, current: Record<string, number>, previous: Record<string, number> | undefined): Partial<Sample> {
  const fields: Partial<Record<CounterField | 'latencyMs' | 'throughputRowsPerSec', number>> = {};
  for (const [field, chosen] of Object.entries(mapping.counters) as Array<[CounterField, string | string[] | undefined]>) {
    if (!chosen) continue;
    const now = select(current, chosen);
    if (now === undefined) continue;
    const before = previous ? select(previous, chosen) : undefined;
    fields[field] = before === undefined || now < before ? Math.round(now) : Math.round(now - before);
  }
  const { latency, latencyUnit, throughputRowsPerSec } = mapping.gauges;
  const latencyValue = latency ? select(current, latency) : undefined;
  if (latencyValue !== undefined) fields.latencyMs = latencyUnit === 'seconds' ? latencyValue * 1000 : latencyValue;
  const throughput = throughputRowsPerSec ? select(current, throughputRowsPerSec) : undefined;
  if (throughput !== undefined) fields.throughputRowsPerSec = throughput;
  capPart(fields, 'retryableErrors', 'errors');
  capPart(fields, 'errors', 'transactions');
  capPart(fields, 'dbConnectFailures', 'dbConnectAttempts');
  return fields;
}

function capPart(fields: Partial<Record<string, number>>, part: string, whole: string): void {
  const p = fields[part];
  const w = fields[whole];
  if (p !== undefined && w !== undefined && p > w) fields[whole] = p;
}
