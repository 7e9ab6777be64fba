import { parseTelemetry } from '../criteria/read-telemetry.ts';
import type { Sample, Telemetry } from '../criteria/telemetry-schema.ts';
import { HarnessError } from '../errors.ts';
import { capParts, readingOf, TotalCounter, valuesAt } from './prometheus-answers.ts';
import type { PrometheusClient } from './prometheus-client.ts';
import { mappedQueries, renderQuery, type PrometheusSignal, type PrometheusTelemetryConfig } from './prometheus-schema.ts';
import { AnswerLog } from './prometheus-source.ts';

export interface RangeOptions {
  client: PrometheusClient;
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/**
 * The telemetry series of a time range, as an Argo AnalysisRun would measure it: every mapped signal
 * over [from, to] with `/api/v1/query_range`, `{{interval}}` being the step, so that each step's count
 * covers the step before it. One sample per evaluation time that answered anything. Prometheus's
 * errors are bad input here (exit 3): a decision over a range Prometheus could not answer would
 * look like "continue".
 */
export async function prometheusTelemetry(config: PrometheusTelemetryConfig, options: RangeOptions): Promise<Telemetry> {
  const { client, fromMs, toMs, stepMs } = options;
  if (!(toMs > fromMs)) throw new HarnessError(`the range must end after it starts (${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()})`);
  const queries = mappedQueries(config);
  const answers = await Promise.all(queries.map((q) => client.queryRange(renderQuery(q.query, config.labels, stepMs), fromMs, toMs, stepMs)));
  const log = new AnswerLog(queries.map((q) => q.signal));
  const byTime = new Map<number, Partial<Record<PrometheusSignal, number>>>();
  const steps = Math.floor((toMs - fromMs) / stepMs) + 1;

  queries.forEach((q, i) => {
    const answer = answers[i]!;
    if (!answer.ok) throw new HarnessError(`${q.signal}: ${answer.error} (query ${q.query})`);
    const times = [...new Set(answer.series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
    const total = q.total ? new TotalCounter() : undefined;
    for (const t of times) {
      const reading = total ? total.next(q.signal, valuesAt(answer.series, t)) : readingOf(q.signal, valuesAt(answer.series, t));
      if ('error' in reading) throw new HarnessError(`${reading.error} (at ${new Date(t).toISOString()}; query ${q.query})`);
      log.note(q.signal, reading, t);
      if ('value' in reading) (byTime.get(t) ?? byTime.set(t, {}).get(t)!)[q.signal] = reading.value;
    }
    // Evaluation times with no point at all had no answer: missing, counted as such.
    const counts = log.summary().answers![q.signal]!;
    for (let k = counts.answered + counts.missing; k < steps; k++) log.note(q.signal, { missing: true }, fromMs);
  });

  const samples: Sample[] = [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, fields]) => {
      capParts(fields);
      return { t: new Date(t).toISOString(), ...fields };
    });
  // As in a drill: the baseline throughput is the first non-zero one seen.
  const baseline = samples.find((s) => (s.throughputRowsPerSec ?? 0) > 0)?.throughputRowsPerSec;
  const fields = Object.fromEntries(queries.map((q) => [q.signal, ['prometheus']]));
  return parseTelemetry(
    {
      source: { kind: 'prometheus', ...log.summary(), url: client.url, fields, range: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), stepMs } },
      ...(baseline ? { baseline: { throughputRowsPerSec: baseline } } : {}),
      samples,
    },
    `Prometheus ${client.url}`,
  );
}
