import { z } from 'zod';

/**
 * Where the decision criteria's metric fields come from: the service's own `/metrics`, scraped by the
 * harness (`scrape`, the default), or the user's Prometheus (`prometheus`), queried with PromQL as
 * an Argo Rollouts AnalysisTemplate or a Flagger MetricTemplate would. docs/decision-criteria.md
 * explains every field and gives the queries of the reference V2.
 */

/** Readings at the sample's time. */
export const gaugeSignals = ['latencyMs', 'rssMb', 'cpuPct', 'throughputRowsPerSec'] as const;
/** Counts of the interval that ends at the sample. */
export const countSignals = [
  'transactions',
  'errors',
  'retryableErrors',
  'dbConnectAttempts',
  'dbConnectFailures',
  'restarts',
  'deadlocks',
  'nullHandlingErrors',
  'rowsIn',
  'rowsOut',
] as const;

export type GaugeSignal = (typeof gaugeSignals)[number];
export type CountSignal = (typeof countSignals)[number];
export type PrometheusSignal = GaugeSignal | CountSignal;

/** What each telemetry field means: the criteria read them (docs/decision-criteria.md). */
export const signalMeaning: Record<PrometheusSignal, string> = {
  latencyMs: 'End-to-end latency of a run, in ms.',
  rssMb: 'Resident memory, MB (measured by the harness when not mapped).',
  cpuPct: 'CPU, percent of one core (measured by the harness when not mapped).',
  throughputRowsPerSec: "Rows per second (the throughput criterion compares it with the first healthy run's).",
  transactions: 'Transactions of the interval: the error rate divides by them.',
  errors: 'Failed transactions of the interval, retryable ones included.',
  retryableErrors: 'How many of `errors` were retryable.',
  dbConnectAttempts: 'Database connection attempts of the interval.',
  dbConnectFailures: 'Failed database connection attempts of the interval.',
  restarts: 'Restarts of the interval (counted by the harness when not mapped).',
  deadlocks: 'Unrecoverable deadlocks of the interval.',
  nullHandlingErrors: 'Null-handling errors of the interval.',
  rowsIn: 'Rows read in the interval (the data-loss criterion compares them with `rowsOut`).',
  rowsOut: 'Rows written in the interval, processed or quarantined.',
};

export const placeholders = ['interval', 'labels', 'selector'] as const;

const promql = z
  .string()
  .trim()
  .min(1)
  .superRefine((query, ctx) => {
    for (const match of query.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
      if (!(placeholders as readonly string[]).includes(match[1]!)) {
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {{${match[1]}}} (known: ${placeholders.map((p) => `{{${p}}}`).join(', ')})` });
      }
    }
  });

/**
 * A count: PromQL answering the count of the interval (`sum(increase(x[{{interval}}]))`), or
 * `{ total }`: PromQL answering a cumulative counter, which the harness turns into the increase since
 * its previous answer, series by series. `total` counts every change exactly once, also one that
 * happened while the service was down between two scrapes; increase() over short tiled windows does not.
 */
const countQuery = z.union([
  promql,
  z.strictObject({ total: promql.describe('PromQL answering a cumulative counter; the harness takes its increase since the previous answer, series by series.') }),
]);

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');

const gaugeQueries = Object.fromEntries(gaugeSignals.map((s) => [s, promql.optional().describe(signalMeaning[s])])) as Record<GaugeSignal, z.ZodOptional<typeof promql>>;
const countQueries = Object.fromEntries(countSignals.map((s) => [s, countQuery.optional().describe(signalMeaning[s])])) as Record<CountSignal, z.ZodOptional<typeof countQuery>>;

export const prometheusTelemetrySchema = z
  .strictObject({
    kind: z.literal('prometheus'),
    url: z
      .url({ protocol: /^https?$/ })
      .refine((url) => !/^[a-z]+:\/\/[^/@]*@/i.test(url), 'no credentials in the URL: put a bearer token in the environment and name it in tokenEnv')
      .describe("Prometheus's base URL (`http://prometheus:9090`, or a path prefix `https://host/prometheus`); no credentials in it."),
    queries: z
      .strictObject({ ...gaugeQueries, ...countQueries })
      .refine((q) => Object.values(q).some((v) => v !== undefined), 'map at least one signal to a query')
      .describe(
        'Telemetry field → PromQL. A count is PromQL answering the count of the interval (`sum(increase(x[{{interval}}]))`), or `{ total }`: PromQL answering a cumulative counter, which the harness turns into the increase since its previous answer.',
      ),
    labels: z
      .record(labelName, z.string())
      .default({})
      .describe(
        'Labels naming the drilled V2 (`{ job: \'abaco-v2\', env: \'staging\' }`): `{{labels}}` renders `job="abaco-v2",env="staging"`, `{{selector}}` the same in braces.',
      ),
    stepMs: z
      .number()
      .int()
      .min(100)
      .default(15_000)
      .describe('How often the drill queries Prometheus, and the step of `drill decide --prometheus`; `{{interval}}` is the time since the previous query.'),
    timeoutMs: z.number().int().positive().default(5000).describe('Per query.'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'), z.string())
      .refine(
        (h) => !Object.keys(h).some((k) => k.toLowerCase() === 'authorization'),
        'no credentials in the config: name the environment variable holding a bearer token in tokenEnv',
      )
      .default({})
      .describe('Extra request headers that are no secret (a tenant: `X-Scope-OrgID`).'),
    tokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional()
      .describe('The environment variable holding a bearer token, sent as `Authorization: Bearer …`; the token itself never appears in the config.'),
  })
  .describe('PromQL against your Prometheus, every stepMs, instead of the scrape.');

export const telemetrySourceSchema = z
  .discriminatedUnion(
    'kind',
    [z.strictObject({ kind: z.literal('scrape') }).describe("The harness scrapes the service's own /metrics (see `metrics`)."), prometheusTelemetrySchema],
    {
      error: (issue) => (issue.code === 'invalid_union' ? "unknown telemetry kind: use 'scrape' or 'prometheus'" : undefined),
    },
  )
  .default({ kind: 'scrape' });

export type PrometheusTelemetryConfig = z.output<typeof prometheusTelemetrySchema>;
export type TelemetrySourceConfig = z.output<typeof telemetrySourceSchema>;
export type CountQuery = z.output<typeof countQuery>;

export const isCountSignal = (signal: PrometheusSignal): signal is CountSignal => (countSignals as readonly string[]).includes(signal);

/** PromQL's string escaping for a label value. */
function quote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

/** Fills the placeholders; `intervalMs` is the window the answer counts over (rounded up to whole ms, at least 1 ms). */
export function renderQuery(query: string, labels: Record<string, string>, intervalMs: number): string {
  const matchers = Object.entries(labels)
    .map(([name, value]) => `${name}=${quote(value)}`)
    .join(',');
  const values: Record<string, string> = {
    interval: `${Math.max(1, Math.ceil(intervalMs))}ms`,
    labels: matchers,
    selector: matchers ? `{${matchers}}` : '',
  };
  return query.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The signals a config maps, each with its query and whether the harness differences a cumulative total. */
export function mappedQueries(config: PrometheusTelemetryConfig): Array<{ signal: PrometheusSignal; query: string; total: boolean }> {
  const out: Array<{ signal: PrometheusSignal; query: string; total: boolean }> = [];
  for (const signal of [...gaugeSignals, ...countSignals]) {
    const value = config.queries[signal];
    if (value === undefined) continue;
    if (typeof value === 'string') out.push({ signal, query: value, total: false });
    else out.push({ signal, query: value.total, total: true });
  }
  return out;
}
