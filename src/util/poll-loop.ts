export interface PollLoop {
  /** Cancels the next tick and waits for one in flight; idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs `tick` at once, then every intervalMs (measured from the start of the previous tick) until
 * stopped or until `tick` returns false. A setTimeout chain, not setInterval: a slow tick is never
 * overlapped, and the timers are unref'd, so a forgotten loop never keeps the process alive.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a tick that returns nothing keeps the loop going
export function startPollLoop(tick: () => Promise<boolean | void>, intervalMs: number, clock: () => number = Date.now): PollLoop {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    timer = undefined;
    const started = clock();
    inFlight = tick().then((more) => {
      inFlight = undefined;
      if (stopped || more === false) return;
      timer = setTimeout(run, Math.max(0, intervalMs - (clock() - started)));
      timer.unref();
    });
  };
  run();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
