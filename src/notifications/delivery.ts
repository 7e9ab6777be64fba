import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AttemptOutcome, DeliveryPolicy, NotificationChannel, NotificationMessage } from './channel-plugin.ts';
import { describeNetworkError } from './http-attempt.ts';

export interface DeliveryDeps {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  random: () => number;
}

export interface DeliveryOutcome {
  ok: boolean;
  status?: number;
  error?: string;
  detail?: string;
  attempts: number;
  /** From the moment the event was raised to the delivery's end (waiting behind earlier events of the channel included). */
  durationMs: number;
}

export const realDeliveryDeps: DeliveryDeps = {
  clock: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * The wait before attempt `attempt + 1`: exponential (backoffMs, 2×, 4× …) with "equal jitter" —
 * half fixed, half random — so that several drills retrying against one rate-limited service do not
 * come back in step, yet a retry never comes back at once.
 */
export function backoffDelay(policy: DeliveryPolicy, attempt: number, random: () => number): number {
  const base = policy.backoffMs * 2 ** (attempt - 1);
  return Math.round(base / 2 + random() * (base / 2));
}

/**
 * Delivers one message to one channel: up to `attempts` tries, each bounded by `attemptTimeoutMs`,
 * all of them within `deadlineMs` of the moment the event was raised. Only what can succeed next time
 * is retried (network errors, timeouts, 429, 5xx); a 429's Retry-After is honoured when it fits in the
 * deadline. Never throws: a failure is a result, and the caller records it as a warning.
 */
export async function deliver(
  channel: NotificationChannel,
  message: NotificationMessage,
  policy: DeliveryPolicy,
  raisedAt: number,
  deps: DeliveryDeps = realDeliveryDeps,
): Promise<DeliveryOutcome> {
  const { clock, sleep, random } = deps;
  const what = `${channel.description} ${message.event}`;
  if (channel.unavailable) return { ok: false, error: `${what}: ${channel.unavailable}`, attempts: 0, durationMs: 0 };

  const deadline = raisedAt + policy.deadlineMs;
  const deliveryId = randomUUID();
  const elapsed = () => clock() - raisedAt;
  const failed = (outcome: Extract<AttemptOutcome, { ok: false }>, attempts: number, why: string): DeliveryOutcome => ({
    ok: false,
    ...(outcome.status === undefined ? {} : { status: outcome.status }),
    error: `${what}: ${outcome.error}${why ? `; ${why}` : ''}`,
    attempts,
    durationMs: elapsed(),
  });

  let last: Extract<AttemptOutcome, { ok: false }> = { ok: false, retryable: true, error: 'not attempted' };
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const left = deadline - clock();
    if (left <= 0)
      return failed(
        last,
        attempt - 1,
        attempt === 1
          ? `not attempted within the ${policy.deadlineMs} ms deadline (earlier events of this channel took it)`
          : `no time left for attempt ${attempt} within the ${policy.deadlineMs} ms deadline`,
      );
    const timeoutMs = Math.min(policy.attemptTimeoutMs, left);
    const outcome = await attemptOnce(channel, message, { attempt, deliveryId, timeoutMs });
    if (outcome.ok) {
      return {
        ok: true,
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
        ...(outcome.detail ? { detail: outcome.detail } : {}),
        attempts: attempt,
        durationMs: elapsed(),
      };
    }
    last = outcome;
    const tally = attempt > 1 ? `${attempt} attempts in ${elapsed()} ms` : '';
    if (!outcome.retryable || attempt === policy.attempts) return failed(outcome, attempt, tally);
    const wait = outcome.retryAfterMs ?? backoffDelay(policy, attempt, random);
    if (clock() + wait >= deadline) {
      const why =
        outcome.retryAfterMs === undefined
          ? `the next retry would be past the ${policy.deadlineMs} ms deadline`
          : `Retry-After ${outcome.retryAfterMs} ms is past the ${policy.deadlineMs} ms deadline`;
      return failed(outcome, attempt, `${why} (${attempt} attempt${attempt > 1 ? 's' : ''} in ${elapsed()} ms)`);
    }
    await sleep(wait);
  }
  return failed(last, policy.attempts, '');
}

/**
 * One attempt, bounded by its own timer as well as the abort signal: a channel (or a user's plug-in)
 * that ignores the signal must still not hold the delivery past its time.
 */
async function attemptOnce(
  channel: NotificationChannel,
  message: NotificationMessage,
  context: { attempt: number; deliveryId: string; timeoutMs: number },
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<AttemptOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`no answer within ${context.timeoutMs} ms`));
      resolve({ ok: false, retryable: true, error: `no answer within ${context.timeoutMs} ms` });
    }, context.timeoutMs);
  });
  const attempt = channel
    .attempt(message, { ...context, signal: controller.signal })
    .catch((error: unknown): AttemptOutcome => ({ ok: false, retryable: true, error: describeNetworkError(error) }));
  try {
    return await Promise.race([attempt, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

const deliveryFields = {
  attempts: z.number().int().min(1).max(10).describe('Tries per delivery, the first included.'),
  attemptTimeoutMs: z.number().int().positive().describe("One attempt's limit: connect, send and read the answer."),
  deadlineMs: z.number().int().positive().describe('All attempts and the waits between them, counted from the moment the event was raised.'),
  backoffMs: z.number().int().min(0).describe('Wait before the first retry (then 2×, 4× …, each with jitter); a Retry-After answer overrides it.'),
};

/** `notifications.delivery`: the defaults every channel starts from (documented in docs/notifications.md). */
export const deliveryPolicySchema = z
  .strictObject({
    attempts: deliveryFields.attempts.default(3),
    attemptTimeoutMs: deliveryFields.attemptTimeoutMs.default(5000),
    deadlineMs: deliveryFields.deadlineMs.default(15_000),
    backoffMs: deliveryFields.backoffMs.default(500),
  })
  .prefault({})
  .describe("The retries every channel's deliveries start from; a channel's own `delivery` overrides them field by field.");

/** A channel's `delivery`: any of the same fields, over the defaults. */
export const deliveryOverrideSchema = z.strictObject({
  attempts: deliveryFields.attempts.optional(),
  attemptTimeoutMs: deliveryFields.attemptTimeoutMs.optional(),
  deadlineMs: deliveryFields.deadlineMs.optional(),
  backoffMs: deliveryFields.backoffMs.optional(),
});
