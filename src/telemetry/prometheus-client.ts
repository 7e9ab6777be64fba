import { errorMessage } from '../errors.ts';
import type { FetchLike } from './scraper.ts';

/**
 * A small client of Prometheus's HTTP API (`/api/v1/query`, `/api/v1/query_range`). Every failure —
 * Prometheus down, a timeout, an answer that is not the API's JSON, `status: "error"` (bad PromQL) —
 * is returned as data naming Prometheus's URL and what it said; nothing here throws for them.
 */

/** One series of an answer: its labels, and its value (instant) or values (range), NaN where Prometheus said NaN. */
export interface Series {
  labels: Record<string, string>;
  points: Array<{ t: number; value: number }>;
}

export type PrometheusAnswer = { ok: true; series: Series[]; warnings?: string[] } | { ok: false; error: string };

export interface PrometheusClient {
  /** The URL as it may appear in messages. */
  readonly url: string;
  /** An instant query evaluated at `atMs`. */
  query(promql: string, atMs: number): Promise<PrometheusAnswer>;
  /** A range query from `startMs` to `endMs` every `stepMs`. */
  queryRange(promql: string, startMs: number, endMs: number, stepMs: number): Promise<PrometheusAnswer>;
}

export interface ClientOptions {
  url: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …`; never part of a message. */
  token?: string;
  fetchImpl?: FetchLike;
}

const snippetLength = 300;

export function createPrometheusClient(options: ClientOptions): PrometheusClient {
  const { timeoutMs = 5000, fetchImpl = fetch } = options;
  const base = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;

  // POST with a form body: long queries do not hit URL length limits (the API accepts both).
  const call = async (path: string, params: Record<string, string>): Promise<PrometheusAnswer> => {
    // The query is left for the caller to name: it knows the signal and the query as configured.
    const what = `Prometheus ${base} (POST ${path})`;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(base + path, { method: 'POST', headers, body: new URLSearchParams(params).toString(), signal: AbortSignal.timeout(timeoutMs) });
      text = await response.text();
    } catch (error) {
      return { ok: false, error: `${what}: ${describeFailure(error, timeoutMs)}` };
    }
    let body: ApiBody | undefined;
    try {
      body = JSON.parse(text) as ApiBody;
    } catch {
      body = undefined;
    }
    if (!body || typeof body !== 'object' || (body.status !== 'success' && body.status !== 'error')) {
      return { ok: false, error: `${what}: answered ${response.status}, not the Prometheus API's JSON (${text.trim().slice(0, snippetLength)})` };
    }
    if (body.status === 'error') {
      return { ok: false, error: `${what}: answered ${response.status} status "error" (${body.errorType ?? 'unknown'}): ${body.error ?? 'no message'}` };
    }
    const series = readSeries(body.data);
    if (typeof series === 'string') return { ok: false, error: `${what}: ${series}` };
    return { ok: true, series, ...(body.warnings?.length ? { warnings: body.warnings } : {}) };
  };

  return {
    url: base,
    query: (promql, atMs) => call('/api/v1/query', { query: promql, time: seconds(atMs) }),
    queryRange: (promql, startMs, endMs, stepMs) => call('/api/v1/query_range', { query: promql, start: seconds(startMs), end: seconds(endMs), step: seconds(stepMs) }),
  };
}

interface ApiBody {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: string[];
  data?: { resultType?: string; result?: unknown };
}

type RawValue = [number, string];

/** vector, matrix and scalar answers as series; a string answer is no number and is refused. */
function readSeries(data: ApiBody['data']): Series[] | string {
  const value = (raw: RawValue) => ({ t: Math.round(raw[0] * 1000), value: Number(raw[1]) });
  switch (data?.resultType) {
    case 'vector':
      return (data.result as Array<{ metric: Record<string, string>; value: RawValue }>).map((s) => ({ labels: s.metric, points: [value(s.value)] }));
    case 'matrix':
      return (data.result as Array<{ metric: Record<string, string>; values: RawValue[] }>).map((s) => ({ labels: s.metric, points: s.values.map(value) }));
    case 'scalar':
      return [{ labels: {}, points: [value(data.result as RawValue)] }];
    default:
      return `answered a ${data?.resultType ?? 'missing'} result: the query must answer a number`;
  }
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

/** "fetch failed (connect ECONNREFUSED 127.0.0.1:9090)" rather than undici's bare "fetch failed". */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return `unreachable: ${errorMessage(error)} (${cause.message})`;
  return `unreachable: ${errorMessage(error)}`;
}

/** Labels as PromQL writes them, for messages: `{instance="a",job="v2"}`. */
export function describeLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}
