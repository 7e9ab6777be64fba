import { Redactor } from '../config/redact.ts';
import { errorMessage } from '../errors.ts';
import type { NotificationEvent, NotificationsConfig } from './notifications-schema.ts';
import { prepareWebhook, serializePayload, subscribers, type NotificationDetails, type PreparedWebhook } from './webhook-request.ts';

/**
 * One delivery attempt. `ok: false` is a warning for the journal: a broken chat webhook must never
 * stop or fail a rollback, so nothing here throws.
 */
export interface NotificationResult {
  webhook: string;
  event: NotificationEvent;
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface NotifierDeps {
  env?: Record<string, string | undefined>;
  fetchImpl?: FetchLike;
  clock?: () => number;
  /** Share the run's Redactor so secrets known elsewhere (DSN passwords) are masked here too. */
  redactor?: Redactor;
}

export interface Notifier {
  notify(event: NotificationEvent, details: NotificationDetails): Promise<NotificationResult[]>;
  /** Every result so far, in the order the notifications were sent. */
  results(): NotificationResult[];
}

// How much of a failing receiver's answer is kept: enough for "invalid_token", not a whole HTML page.
const BODY_SNIPPET = 200;

class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

export function createNotifier(config: NotificationsConfig, deps: NotifierDeps = {}): Notifier {
  const { env = process.env, fetchImpl = fetch, clock = Date.now, redactor = new Redactor() } = deps;
  // Tokens are read once and registered before any request can fail and be described.
  const prepared = new Map<string, PreparedWebhook>();
  for (const webhook of config.webhooks) {
    const ready = prepareWebhook(webhook, env);
    for (const secret of ready.secrets) redactor.add(secret);
    prepared.set(webhook.name, ready);
  }
  const all: NotificationResult[] = [];

  async function deliver(webhook: PreparedWebhook, event: NotificationEvent, body: string, timeoutMs: number): Promise<NotificationResult> {
    const base = { webhook: webhook.name, event };
    const what = `webhook '${webhook.name}' (POST ${webhook.origin}) ${event}`;
    if (!webhook.ok) return { ...base, ok: false, error: redactor.redact(`${what}: ${webhook.error}`), durationMs: 0 };

    const started = clock();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Our own deadline as well as the abort signal: an injected fetch that ignores the signal
    // must still not hang the rollback.
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new DeadlineError(`no answer within ${timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    const send = async () => {
      // redirect 'manual': a webhook that redirects is misconfigured, and following it could
      // carry the bearer token to another host.
      const response = await fetchImpl(webhook.url, { method: 'POST', headers: webhook.headers, body, redirect: 'manual', signal: controller.signal });
      const text = response.ok ? (await response.body?.cancel(), '') : await response.text();
      return { status: response.status, ok: response.ok, text };
    };
    try {
      const answer = await Promise.race([send(), deadline]);
      const durationMs = clock() - started;
      if (answer.ok) return { ...base, ok: true, status: answer.status, durationMs };
      const snippet = answer.text.trim().slice(0, BODY_SNIPPET);
      return { ...base, ok: false, status: answer.status, error: redactor.redact(`${what}: answered ${answer.status}${snippet ? ` (${snippet})` : ''}`), durationMs };
    } catch (error) {
      return { ...base, ok: false, error: redactor.redact(`${what}: ${describeFailure(error)}`), durationMs: clock() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  async function notify(event: NotificationEvent, details: NotificationDetails): Promise<NotificationResult[]> {
    const targets = subscribers(config.webhooks, event);
    let results: NotificationResult[];
    try {
      const body = serializePayload(event, details, new Date(clock()), redactor);
      results = await Promise.all(targets.map((webhook) => deliver(prepared.get(webhook.name)!, event, body, webhook.timeoutMs)));
    } catch (error) {
      // Only reachable when the details cannot be serialised (a BigInt, a cycle): still a warning.
      const message = redactor.redact(`${event} not sent: details are not JSON-serialisable (${errorMessage(error)})`);
      results = targets.map((webhook) => ({ webhook: webhook.name, event, ok: false, error: message, durationMs: 0 }));
    }
    all.push(...results);
    return results;
  }

  return { notify, results: () => [...all] };
}

/** "connect ECONNREFUSED 127.0.0.1:41234" rather than undici's bare "fetch failed". */
function describeFailure(error: unknown): string {
  if (error instanceof DeadlineError) return error.message;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return `${errorMessage(error)} (${cause.message})`;
  return errorMessage(error);
}
