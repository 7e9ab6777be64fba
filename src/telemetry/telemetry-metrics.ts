import { z } from 'zod';
import type { Sample } from '../criteria/telemetry-schema.ts';
import { signalMeaning } from './prometheus-schema.ts';

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
      transactions: selectors.optional().describe(signalMeaning.transactions),
      errors: selectors.optional().describe(signalMeaning.errors),
      retryableErrors: selectors.optional().describe(signalMeaning.retryableErrors),
      dbConnectAttempts: selectors.optional().describe(signalMeaning.dbConnectAttempts),
      dbConnectFailures: selectors.optional().describe(signalMeaning.dbConnectFailures),
      deadlocks: selectors.optional().describe(signalMeaning.deadlocks),
      nullHandlingErrors: selectors.optional().describe(signalMeaning.nullHandlingErrors),
      rowsIn: selectors.optional().describe(signalMeaning.rowsIn),
      rowsOut: selectors.optional().describe(signalMeaning.rowsOut),
    })
    .default({})
    .describe('Counters, turned into per-interval counts: telemetry field → selector (or a list of them, summed).'),
  gauges: z
    .strictObject({
      latency: selectors.optional().describe('Seconds or milliseconds: say which with latencyUnit.'),
      latencyUnit: z.enum(['seconds', 'ms']).default('seconds').describe('The unit of `latency`.'),
      throughputRowsPerSec: selectors.optional().describe(signalMeaning.throughputRowsPerSec),
    })
    .prefault({})
    .describe('Gauges, read as they are.'),
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
