import { describe, expect, it } from 'vitest';
import type { AttemptOutcome, DeliveryPolicy, NotificationChannel, NotificationMessage } from './channel-plugin.ts';
import { backoffDelay, deliver, type DeliveryDeps } from './delivery.ts';
import { parseRetryAfter } from './http-attempt.ts';

const message: NotificationMessage = {
  event: 'rollback-initiated',
  runId: 'run-1',
  environment: 'staging',
  testId: 'dry-run',
  message: 'Rolling back',
  at: '2026-01-02T03:04:05.000Z',
  data: null,
};
const policy: DeliveryPolicy = { attempts: 3, attemptTimeoutMs: 5000, deadlineMs: 15_000, backoffMs: 500 };

/** A virtual clock: sleeping advances it at once, so the retry logic is tested without waiting. */
function virtualTime(random = 0.5) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const deps: DeliveryDeps = {
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => random,
  };
  return { deps, sleeps, advance: (ms: number) => (now += ms), now: () => now };
}

/** A channel answering with the given outcomes in turn, each after `tookMs` of virtual time. */
function scripted(outcomes: AttemptOutcome[], time?: { advance: (ms: number) => void }, tookMs = 0) {
  const attempts: Array<{ attempt: number; deliveryId: string; timeoutMs: number }> = [];
  const channel: NotificationChannel = {
    description: "test 'scripted'",
    attempt: async (_message, context) => {
      attempts.push({ attempt: context.attempt, deliveryId: context.deliveryId, timeoutMs: context.timeoutMs });
      time?.advance(tookMs);
      return outcomes[attempts.length - 1] ?? { ok: true };
    },
  };
  return { channel, attempts };
}

const serverError: AttemptOutcome = { ok: false, retryable: true, status: 503, error: 'answered 503 (busy)' };

describe('deliver', () => {
  it('retries what is retryable until it succeeds, with one delivery id and growing, jittered waits', async () => {
    const time = virtualTime(0.5);
    const { channel, attempts } = scripted([serverError, serverError, { ok: true, status: 200, detail: 'fine' }]);
    const outcome = await deliver(channel, message, policy, time.now(), time.deps);
    expect(outcome).toEqual({ ok: true, status: 200, detail: 'fine', attempts: 3, durationMs: 375 + 750 });
    expect(time.sleeps).toEqual([375, 750]);
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(1);
  });

  it('does not retry what cannot succeed next time (400), and says what was answered', async () => {
    const time = virtualTime();
    const { channel, attempts } = scripted([{ ok: false, retryable: false, status: 400, error: 'answered 400 (invalid_blocks)' }]);
    expect(await deliver(channel, message, policy, time.now(), time.deps)).toEqual({
      ok: false,
      status: 400,
      error: "test 'scripted' rollback-initiated: answered 400 (invalid_blocks)",
      attempts: 1,
      durationMs: 0,
    });
    expect(attempts).toHaveLength(1);
  });

  it('honours a Retry-After that fits in the deadline instead of its own backoff', async () => {
    const time = virtualTime();
    const { channel } = scripted([
      { ok: false, retryable: true, status: 429, retryAfterMs: 2000, error: 'answered 429' },
      { ok: true, status: 200 },
    ]);
    expect(await deliver(channel, message, policy, time.now(), time.deps)).toMatchObject({ ok: true, attempts: 2, durationMs: 2000 });
    expect(time.sleeps).toEqual([2000]);
  });

  it('gives up at once when Retry-After lies past the deadline, rather than waiting in vain', async () => {
    const time = virtualTime();
    const { channel } = scripted([{ ok: false, retryable: true, status: 429, retryAfterMs: 60_000, error: 'answered 429 (rate_limited)' }]);
    const outcome = await deliver(channel, message, policy, time.now(), time.deps);
    expect(outcome).toMatchObject({ ok: false, status: 429, attempts: 1 });
    expect(outcome.error).toBe("test 'scripted' rollback-initiated: answered 429 (rate_limited); Retry-After 60000 ms is past the 15000 ms deadline (1 attempt in 0 ms)");
    expect(time.sleeps).toEqual([]);
  });

  it('reports the last error and the attempts when every attempt failed', async () => {
    const time = virtualTime(0);
    const { channel } = scripted([serverError, serverError, { ok: false, retryable: true, error: 'fetch failed (connect ECONNREFUSED 127.0.0.1:9)' }]);
    const outcome = await deliver(channel, message, policy, time.now(), time.deps);
    expect(outcome).toEqual({
      ok: false,
      error: "test 'scripted' rollback-initiated: fetch failed (connect ECONNREFUSED 127.0.0.1:9); 3 attempts in 750 ms",
      attempts: 3,
      durationMs: 750,
    });
  });

  it('keeps every attempt and wait inside the deadline, counted from when the event was raised', async () => {
    const time = virtualTime(1);
    const { channel, attempts } = scripted([serverError, serverError, serverError], time, 4000);
    // Raised 2 s ago (it waited behind an earlier event of the channel): 13 s are left.
    const outcome = await deliver(channel, message, { ...policy, attempts: 5, backoffMs: 4000 }, time.now() - 2000, time.deps);
    expect(attempts.map((a) => a.timeoutMs)).toEqual([5000, 5000]);
    expect(outcome.error).toMatch(/answered 503 \(busy\); the next retry would be past the 15000 ms deadline \(2 attempts in 14000 ms\)$/);
    expect(outcome.durationMs).toBeLessThanOrEqual(15_000);
  });

  it('shortens the last attempt to what is left of the deadline', async () => {
    const time = virtualTime(1);
    const { channel, attempts } = scripted([serverError, { ok: true }], time, 4000);
    await deliver(channel, message, { ...policy, deadlineMs: 6000 }, time.now(), time.deps);
    expect(attempts.map((a) => a.timeoutMs)).toEqual([5000, 1500]);
  });

  it('does not attempt at all once the deadline passed while waiting behind earlier deliveries', async () => {
    const time = virtualTime();
    const { channel, attempts } = scripted([]);
    const outcome = await deliver(channel, message, policy, time.now() - 20_000, time.deps);
    expect(outcome).toMatchObject({ ok: false, attempts: 0 });
    expect(outcome.error).toMatch(/not attempted within the 15000 ms deadline/);
    expect(attempts).toEqual([]);
  });

  it('times an attempt out even when the channel ignores its abort signal, and retries it', async () => {
    let calls = 0;
    const stuck: NotificationChannel = {
      description: "test 'stuck'",
      attempt: () => (++calls === 1 ? new Promise<AttemptOutcome>(() => undefined) : Promise.resolve({ ok: true, status: 204 })),
    };
    const outcome = await deliver(stuck, message, { attempts: 2, attemptTimeoutMs: 50, deadlineMs: 5000, backoffMs: 10 }, Date.now());
    expect(outcome).toMatchObject({ ok: true, status: 204, attempts: 2 });
  });

  it('turns a channel that throws into a retryable failure, never a rejection', async () => {
    const time = virtualTime();
    const throwing: NotificationChannel = { description: "test 'throws'", attempt: () => Promise.reject(new Error('socket hang up')) };
    const outcome = await deliver(throwing, message, { ...policy, attempts: 2 }, time.now(), time.deps);
    expect(outcome).toMatchObject({ ok: false, attempts: 2, error: expect.stringContaining('socket hang up; 2 attempts') });
  });

  it('reports an unavailable channel without attempting', async () => {
    const time = virtualTime();
    const channel: NotificationChannel = {
      description: "slack 'incidents'",
      unavailable: 'environment variable SLACK_URL (its urlEnv) is not set; nothing sent',
      attempt: () => Promise.reject(new Error('never')),
    };
    expect(await deliver(channel, message, policy, time.now(), time.deps)).toEqual({
      ok: false,
      error: "slack 'incidents' rollback-initiated: environment variable SLACK_URL (its urlEnv) is not set; nothing sent",
      attempts: 0,
      durationMs: 0,
    });
  });
});

describe('backoffDelay and Retry-After', () => {
  it('doubles per attempt, jittered between half and all of it', () => {
    expect([1, 2, 3].map((n) => backoffDelay(policy, n, () => 0))).toEqual([250, 500, 1000]);
    expect([1, 2, 3].map((n) => backoffDelay(policy, n, () => 0.999_999))).toEqual([500, 1000, 2000]);
  });

  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-02T03:04:05Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 02 Jan 2026 03:04:15 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Fri, 02 Jan 2026 03:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
