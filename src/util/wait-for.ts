export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** The failure, as the timeout message starts: "V1 not healthy" → "V1 not healthy after 30000 ms (…)". */
  what: string;
  /** Describes the last observation, appended to the timeout message: "GET … → 503". */
  lastSeen?: () => string | undefined;
}

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/**
 * Polls `probe` until it returns a value other than undefined, or the deadline passes.
 * Never a fixed sleep: the first probe runs at once, and the loop ends the moment it succeeds.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const { timeoutMs, intervalMs = 100, signal } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) {
      const seen = options.lastSeen?.();
      throw new WaitTimeoutError(`${options.what} after ${timeoutMs} ms${seen ? ` (${seen})` : ''}`);
    }
    await delay(Math.min(intervalMs, left), signal);
  }
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
