import type { Sample, TelemetrySourceSummary } from '../criteria/telemetry-schema.ts';
import { HarnessError } from '../errors.ts';
import { capParts, readingOf, TotalCounter, valuesAt, type Reading } from './prometheus-answers.ts';
import { createPrometheusClient, type PrometheusClient } from './prometheus-client.ts';
import { mappedQueries, renderQuery, type PrometheusSignal, type PrometheusTelemetryConfig } from './prometheus-schema.ts';
import type { FetchLike } from './scraper.ts';

export interface PrometheusSampler {
  readonly url: string;
  /** The signals the config maps: in a drill these fields come from Prometheus only. */
  readonly signals: readonly PrometheusSignal[];
  /**
   * Queries every mapped signal at `atMs` (`/api/v1/query`), once `stepMs` has passed since the
   * previous query, else answers undefined. The fields of signals with no answer are left out.
   */
  sample(atMs: number): Promise<Partial<Sample> | undefined>;
  summary(): Pick<TelemetrySourceSummary, 'url' | 'answers' | 'errors'>;
}

export interface SamplerOptions {
  env?: NodeJS.ProcessEnv;
  /** Stands in for the config's URL (`drill decide --prometheus <url>`). */
  url?: string;
  fetchImpl?: FetchLike;
}

/** The client a config describes; the bearer token is read from the environment here and nowhere else. */
export function clientFor(config: PrometheusTelemetryConfig, options: SamplerOptions = {}): PrometheusClient {
  const { env = process.env } = options;
  let token: string | undefined;
  if (config.tokenEnv) {
    token = env[config.tokenEnv];
    if (!token) throw new HarnessError(`decision.telemetry.tokenEnv names ${config.tokenEnv}, which is not set: export the bearer token for Prometheus in it`);
  }
  return createPrometheusClient({
    url: options.url ?? config.url,
    timeoutMs: config.timeoutMs,
    headers: config.headers,
    ...(token ? { token } : {}),
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
  });
}

/** Counts what each signal answered and keeps every distinct error once, for the journal. */
export class AnswerLog {
  private readonly answers: Record<string, { answered: number; missing: number; failed: number }> = {};
  private readonly errors = new Map<string, { message: string; count: number; firstAt: string }>();

  constructor(signals: readonly string[]) {
    for (const signal of signals) this.answers[signal] = { answered: 0, missing: 0, failed: 0 };
  }

  note(signal: string, reading: Reading, atMs: number): void {
    const counts = this.answers[signal]!;
    if ('value' in reading) counts.answered++;
    else if ('missing' in reading) counts.missing++;
    else {
      counts.failed++;
      this.error(reading.error, atMs);
    }
  }

  error(message: string, atMs: number): void {
    // The same error with other numbers in it (a parse error's position moves with the rendered {{interval}}) is the same error.
    const key = message.replace(/\d+/g, '#');
    const known = this.errors.get(key);
    if (known) known.count++;
    // Bounded: a query failing every step for hours is one entry with its count, and distinct errors stop at 20.
    else if (this.errors.size < 20) this.errors.set(key, { message, count: 1, firstAt: new Date(atMs).toISOString() });
  }

  summary(): Pick<TelemetrySourceSummary, 'answers' | 'errors'> {
    return { answers: structuredClone(this.answers), ...(this.errors.size ? { errors: [...this.errors.values()].map((e) => ({ ...e })) } : {}) };
  }
}

/**
 * The recorder's Prometheus: at each due sample, one instant query per mapped signal, `{{interval}}`
 * being the time since the previous query (the first covers one step), so that consecutive counts
 * tile the time line. A failed query is named in the summary and leaves its field missing.
 */
export function createPrometheusSampler(config: PrometheusTelemetryConfig, options: SamplerOptions = {}): PrometheusSampler {
  const client = clientFor(config, options);
  const queries = mappedQueries(config);
  const totals = new Map(queries.filter((q) => q.total).map((q) => [q.signal, new TotalCounter()]));
  const log = new AnswerLog(queries.map((q) => q.signal));
  let lastAt: number | undefined;

  return {
    url: client.url,
    signals: queries.map((q) => q.signal),
    async sample(atMs) {
      if (lastAt !== undefined && atMs - lastAt < config.stepMs) return undefined;
      const intervalMs = lastAt === undefined ? config.stepMs : atMs - lastAt;
      lastAt = atMs;
      const answers = await Promise.all(queries.map((q) => client.query(renderQuery(q.query, config.labels, intervalMs), atMs)));
      const fields: Partial<Record<PrometheusSignal, number>> = {};
      queries.forEach((q, i) => {
        const answer = answers[i]!;
        let reading: Reading;
        if (!answer.ok) reading = { error: `${q.signal}: ${answer.error} (query ${q.query})` };
        else reading = q.total ? totals.get(q.signal)!.next(q.signal, valuesAt(answer.series)) : readingOf(q.signal, valuesAt(answer.series));
        log.note(q.signal, reading, atMs);
        if ('value' in reading) fields[q.signal] = reading.value;
      });
      capParts(fields);
      return fields;
    },
    summary: () => ({ url: client.url, ...log.summary() }),
  };
}
