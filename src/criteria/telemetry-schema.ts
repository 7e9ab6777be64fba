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

export const telemetrySchema = z
  .strictObject({
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
export type DependencyName = keyof NonNullable<Sample['dependencies']>;
