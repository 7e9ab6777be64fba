import { describe, expect, it } from 'vitest';
import { waitFor, WaitTimeoutError } from './wait-for.ts';

describe('waitFor', () => {
  it('returns as soon as the probe yields a value', async () => {
    let calls = 0;
    const value = await waitFor(async () => (++calls === 3 ? 'ok' : undefined), { what: 'x', timeoutMs: 5000, intervalMs: 1 });
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });

  it('names what was waited for, the deadline and the last thing seen', async () => {
    const wait = waitFor(async () => undefined, {
      what: 'V1 not healthy',
      timeoutMs: 30,
      intervalMs: 5,
      lastSeen: () => 'GET http://127.0.0.1:1/health → 503',
    });
    await expect(wait).rejects.toThrow(WaitTimeoutError);
    await expect(wait).rejects.toThrow('V1 not healthy after 30 ms (GET http://127.0.0.1:1/health → 503)');
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const wait = waitFor(async () => undefined, { what: 'never', timeoutMs: 60_000, intervalMs: 10, signal: controller.signal });
    controller.abort(new Error('interrupted'));
    await expect(wait).rejects.toThrow('interrupted');
  });

  it('propagates an error thrown by the probe', async () => {
    await expect(
      waitFor(
        async () => {
          throw new Error('V1 exited');
        },
        { what: 'x', timeoutMs: 1000 },
      ),
    ).rejects.toThrow('V1 exited');
  });
});
