import { Redactor } from '../redaction/redactor.ts';
import { errorMessage } from '../errors.ts';
import { parsePrometheusText, seriesKey } from './prometheus-text.ts';
import { startPollLoop } from '../util/poll-loop.ts';

/** One scrape of `/metrics`. A failed scrape is a sample too: a service that stops answering is evidence. */
export interface ScrapeSample {
  /** When the scrape started (ISO 8601). */
  t: string;
  ok: boolean;
  status?: number;
  error?: string;
  durationMs?: number;
  /** The scraper's label (e.g. 'v2'), so samples of several services can share one file. */
  label?: string;
  /** Flattened series: `name{a="b"}` → value. */
  metrics?: Record<string, number>;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ScraperOptions {
  url: string;
  intervalMs?: number;
  timeoutMs?: number;
  label?: string;
  clock?: () => number;
  fetchImpl?: FetchLike;
  /** Called with every sample as it is taken, e.g. to stream it to an evidence file. */
  onSample?: (sample: ScrapeSample) => void;
}

export interface Scraper {
  /** Every sample so far, oldest first. */
  samples(): ScrapeSample[];
  /** Takes one sample now, besides the interval's: e.g. right after a run, before the service may stop. */
  scrapeNow(): Promise<ScrapeSample>;
  /** Cancels the next scrape and waits for one in flight; idempotent. */
  stop(): Promise<void>;
}

// Enough of a failing answer to read "503 database unavailable", not a whole HTML error page.
const BODY_SNIPPET = 200;

class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Scrapes a Prometheus `/metrics` endpoint at once, then every `intervalMs` until stopped. The
 * next scrape is scheduled only when the previous one has finished (a setTimeout chain, not
 * setInterval), so a slow service is never hit by overlapping scrapes; a scrape that takes longer
 * than the interval is followed by the next one immediately. Timers are unref'd: a forgotten
 * scraper never keeps the process alive. A failed scrape is data, never an exception; only a
 * nonsensical interval or timeout (a configuration error) throws.
 */
export function startScraper(options: ScraperOptions): Scraper {
  const { intervalMs = 500, timeoutMs = 2000, label, clock = Date.now, fetchImpl = fetch, onSample } = options;
  if (!(intervalMs > 0) || !(timeoutMs > 0)) {
    throw new RangeError(`scraper ${label ?? options.url}: intervalMs and timeoutMs must be positive (got ${intervalMs}, ${timeoutMs})`);
  }
  const target = prepareUrl(options.url);
  const what = `scrape${label ? ` ${label}` : ''} (GET ${target.shown})`;
  const taken: ScrapeSample[] = [];
  const take = async (): Promise<ScrapeSample> => {
    const sample = await scrapeOnce(target, what, timeoutMs, fetchImpl, clock);
    const withLabel = label === undefined ? sample : { ...sample, label };
    taken.push(withLabel);
    try {
      onSample?.(withLabel);
    } catch {
      // A failing listener must not stop the scraping that feeds the evidence.
    }
    return withLabel;
  };
  const loop = startPollLoop(async () => void (await take()), intervalMs, clock);
  return {
    samples: () => [...taken],
    scrapeNow: take,
    stop: () => loop.stop(),
  };
}

interface Target {
  url: string;
  headers: Record<string, string>;
  /** The URL as it may appear in messages: without credentials. */
  shown: string;
}

// fetch refuses URLs that carry credentials; `http://user:pass@host/metrics` is still a common
// way to configure a protected endpoint, so they move into an Authorization header.
function prepareUrl(raw: string): Target {
  const headers: Record<string, string> = { accept: 'text/plain;version=0.0.4;q=1, */*;q=0.1' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { url: raw, headers, shown: new Redactor().redact(raw) };
  }
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url: url.href, headers, shown: url.href };
}

async function scrapeOnce(target: Target, what: string, timeoutMs: number, fetchImpl: FetchLike, clock: () => number): Promise<ScrapeSample> {
  const started = clock();
  const t = new Date(started).toISOString();
  const controller = new AbortController();
  let deadlineTimer: NodeJS.Timeout | undefined;
  // Our own deadline as well as the abort signal: an injected fetch that ignores the signal, or a
  // body that trickles in forever, must still end as a sample and not hang the drill.
  const deadline = new Promise<never>((_resolve, reject) => {
    deadlineTimer = setTimeout(() => {
      const error = new DeadlineError(`no complete answer within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    deadlineTimer.unref();
  });
  const get = async () => {
    const response = await fetchImpl(target.url, { headers: target.headers, signal: controller.signal });
    return { status: response.status, ok: response.ok, text: await response.text() };
  };
  try {
    const answer = await Promise.race([get(), deadline]);
    const durationMs = clock() - started;
    if (!answer.ok) {
      const snippet = answer.text.trim().slice(0, BODY_SNIPPET);
      return { t, ok: false, status: answer.status, durationMs, error: `${what}: answered ${answer.status}${snippet ? ` (${snippet})` : ''}` };
    }
    try {
      return { t, ok: true, status: answer.status, durationMs, metrics: flatten(answer.text) };
    } catch (error) {
      return { t, ok: false, status: answer.status, durationMs, error: `${what}: not Prometheus text: ${errorMessage(error)}` };
    }
  } catch (error) {
    return { t, ok: false, durationMs: clock() - started, error: `${what}: ${describeFailure(error)}` };
  } finally {
    clearTimeout(deadlineTimer);
  }
}

function flatten(text: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const sample of parsePrometheusText(text)) metrics[seriesKey(sample.name, sample.labels)] = sample.value;
  return metrics;
}

/** "fetch failed (connect ECONNREFUSED 127.0.0.1:41234)" rather than undici's bare "fetch failed". */
function describeFailure(error: unknown): string {
  if (error instanceof DeadlineError) return error.message;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return `${errorMessage(error)} (${cause.message})`;
  return errorMessage(error);
}

/**
 * Samples as JSON Lines for an evidence file. JSON has no NaN or ±Infinity (JSON.stringify would
 * write null and lose the difference), so those values are written as Prometheus spells them:
 * "NaN", "+Inf", "-Inf".
 */
export function toJsonLines(samples: readonly ScrapeSample[]): string {
  return [...jsonLinesOf(samples)].join('\n') + (samples.length ? '\n' : '');
}

/** The lines of toJsonLines one at a time, for a writer that streams them (Evidence.writeLines). */
export function* jsonLinesOf(samples: Iterable<ScrapeSample>): Generator<string> {
  const encode = (_key: string, value: unknown) => {
    if (typeof value !== 'number' || Number.isFinite(value)) return value;
    return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  };
  for (const sample of samples) yield JSON.stringify(sample, encode);
}
