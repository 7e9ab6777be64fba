import { z } from 'zod';

/**
 * The telemetry file `drill decide` reads. Every sample field is optional: a sample that lacks a
 * field says nothing about the criteria reading it. Counts are per interval (since the previous
 * sample); the other fields are readings at `t`. Objects are strict so that a misspelt field
 * (`latencyMS`) is an error naming its path instead of a criterion silently never evaluated.
 */

const count = z.number().int().nonnegative();
const reading = z.number().nonnegative();

const kpisSchema = z.record(z.string().min(1), z.number());

export const sampleSchema = z
  .strictObject({
    /** ISO-8601 with a zone (Z or ±hh:mm): a local time would make durations ambiguous. */
    t: z.iso.datetime({ offset: true }),
    latencyMs: reading.optional(),
    rssMb: reading.optional(),
    /** Percent of one core, as `ps` reports it: may exceed 100 on several cores. */
    cpuPct: reading.optional(),
    throughputRowsPerSec: reading.optional(),
    transactions: count.optional(),
    /** Failed transactions of the interval, retryable ones included. */
    errors: count.optional(),
    /** How many of `errors` were retryable. */
    retryableErrors: count.optional(),
    dbConnectAttempts: count.optional(),
    dbConnectFailures: count.optional(),
    restarts: count.optional(),
    deadlocks: count.optional(),
    kpis: kpisSchema.optional(),
    nullHandlingErrors: count.optional(),
    rowsIn: count.optional(),
    rowsOut: count.optional(),
    /** true = reachable at `t`, false = unavailable at `t`. */
    dependencies: z.strictObject({ blob: z.boolean().optional(), database: z.boolean().optional(), source: z.boolean().optional() }).optional(),
  })
  .superRefine((sample, ctx) => {
    // Parts may not exceed their whole, or a rate above 100% would fire for a reporting bug.
    const notAbove = (part: keyof typeof sample, whole: keyof typeof sample, why: string) => {
      const p = sample[part];
      const w = sample[whole];
      if (typeof p === 'number' && typeof w === 'number' && p > w) {
        ctx.addIssue({ code: 'custom', path: [part], message: `${p} ${part} > ${w} ${whole} (${why})` });
      }
    };
    notAbove('retryableErrors', 'errors', 'retryable errors are counted among errors');
    notAbove('errors', 'transactions', 'errors are failed transactions, counted among transactions');
    notAbove('dbConnectFailures', 'dbConnectAttempts', 'failures are counted among attempts');
  });

const fieldSource = z.enum(['scrape', 'prometheus', 'harness']);

/**
 * Where the samples' fields came from (written by the drill's recorder and by `drill decide
 * --prometheus`; informative: the criteria do not read it). A file without it is still valid.
 */
export const telemetrySourceSummarySchema = z.strictObject({
  kind: z.enum(['scrape', 'prometheus']),
  /** Prometheus's base URL. */
  url: z.string().optional(),
  /** Which source fed each field; two sources (latency only): the larger reading of both. */
  fields: z.record(z.string(), z.array(fieldSource)),
  /** Prometheus: per field, queries that answered a value, had no answer (the field is missing, not 0), or failed. */
  answers: z.record(z.string(), z.strictObject({ answered: count, missing: count, failed: count })).optional(),
  /** Prometheus's errors, each once, with how often and when it was first seen. */
  errors: z.array(z.strictObject({ message: z.string(), count: count, firstAt: z.string() })).optional(),
  /** `drill decide --prometheus`: the range and step queried. */
  range: z.strictObject({ from: z.string(), to: z.string(), stepMs: z.number().int().positive() }).optional(),
});

export const telemetrySchema = z
  .strictObject({
    source: telemetrySourceSummarySchema.optional(),
    baseline: z
      .strictObject({
        throughputRowsPerSec: z.number().positive().optional(),
        kpis: kpisSchema.optional(),
      })
      .optional(),
    samples: z.array(sampleSchema),
  })
  .superRefine((telemetry, ctx) => {
    // Durations and per-interval counts are only meaningful over strictly increasing times.
    for (let i = 1; i < telemetry.samples.length; i++) {
      const previous = telemetry.samples[i - 1]!.t;
      const current = telemetry.samples[i]!.t;
      if (Date.parse(current) <= Date.parse(previous)) {
        ctx.addIssue({ code: 'custom', path: ['samples', i, 't'], message: `${current} is not after samples.${i - 1}.t ${previous}: samples must be in time order` });
      }
    }
  });

export type Telemetry = z.output<typeof telemetrySchema>;
export type Sample = Telemetry['samples'][number];
export type Baseline = NonNullable<Telemetry['baseline']>;
export type TelemetrySourceSummary = z.output<typeof telemetrySourceSummarySchema>;
export type DependencyName = keyof NonNullable<Sample['dependencies']>;
