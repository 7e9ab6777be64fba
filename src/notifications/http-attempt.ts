import { errorMessage } from '../errors.ts';
import type { AttemptOutcome, FetchLike } from './channel-plugin.ts';

export interface HttpRequest {
  method: 'POST' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpAnswer {
  status: number;
  text: string;
  headers: Headers;
}

// How much of a failing receiver's answer is kept: enough for "invalid_blocks", not a whole HTML page.
const BODY_SNIPPET = 200;

/**
 * One HTTP exchange as an attempt: 2xx is handed to `onSuccess` (which reads what the service
 * answers, e.g. PagerDuty's dedup_key or Statuspage's incident id); anything else is classified as
 * retryable or not the way the vendors document it (429 and 5xx: try again; other 4xx: don't).
 */
export async function httpAttempt(
  fetchImpl: FetchLike,
  request: HttpRequest,
  signal: AbortSignal,
  onSuccess: (answer: HttpAnswer) => AttemptOutcome = (answer) => ({ ok: true, status: answer.status }),
  now: () => number = Date.now,
): Promise<AttemptOutcome> {
  let answer: HttpAnswer;
  try {
    // redirect 'manual': a webhook that redirects is misconfigured, and following it could carry
    // a token to another host.
    const response = await fetchImpl(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual', signal });
    answer = { status: response.status, text: await response.text(), headers: response.headers };
  } catch (error) {
    return { ok: false, retryable: true, error: describeNetworkError(error) };
  }
  if (answer.status >= 200 && answer.status < 300) return onSuccess(answer);
  return failedAnswer(answer, now());
}

/** A non-2xx answer: its status, the start of its body, and whether (and when) to try again. */
export function failedAnswer(answer: HttpAnswer, now: number): AttemptOutcome {
  const snippet = answer.text.trim().slice(0, BODY_SNIPPET);
  const error = `answered ${answer.status}${snippet ? ` (${snippet})` : ''}`;
  // 420 is Statuspage's rate-limit answer; 408 a receiver that timed out waiting for us.
  const retryable = answer.status === 429 || answer.status === 420 || answer.status === 408 || answer.status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(answer.headers.get('retry-after'), now) : undefined;
  return { ok: false, retryable, status: answer.status, error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** "fetch failed (connect ECONNREFUSED 127.0.0.1:41234)" rather than undici's bare "fetch failed". */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return `${errorMessage(error)} (${cause.message})`;
  return errorMessage(error);
}

/** Parses a JSON answer, or says what was wrong with it (the service accepted the event all the same). */
export function jsonAnswer(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
