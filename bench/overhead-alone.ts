import { probeHealth } from '../src/targets/health.ts';
import type { StartedDeployment } from '../src/targets/target.ts';
import { delay } from '../src/util/wait-for.ts';

/**
 * The two service operations under a rollback's "stop V2 … V1 healthy", timed with nothing of the
 * harness around them (no log capture, config restore, verification or pollers): the floor the
 * harness's overhead is measured against.
 */

/** SIGTERM (the target's stop) → the process has exited; a stop that needed SIGKILL is no graceful stop to measure. */
export async function stopAlone(v2: StartedDeployment, graceMs: number): Promise<number> {
  const started = performance.now();
  const exitedAt = v2.exited.then(() => performance.now());
  const stopped = await v2.stop({ graceMs });
  if (stopped.escalatedToKill) throw new Error(`V2 ignored SIGTERM for ${graceMs} ms and was killed: no graceful stop to measure`);
  return (await exitedAt) - started;
}

/**
 * `spawnedAt` → the first 2xx of GET <healthPath>, probed every 5 ms, so the time is the
 * service's own to within a few milliseconds. Gives up when the service exits or after `timeoutMs`.
 */
export async function firstHealthy(service: StartedDeployment, healthPath: string, spawnedAt: number, timeoutMs = 30_000): Promise<number> {
  let exited = false;
  void service.exited.then(() => (exited = true));
  const url = service.baseUrl + healthPath;
  for (;;) {
    const probe = await probeHealth(url);
    if (probe.ok) return performance.now() - spawnedAt;
    if (exited) throw new Error(`${service.name} exited before it was healthy; last log lines:\n${service.logs(15).join('\n')}`);
    if (performance.now() - spawnedAt > timeoutMs) throw new Error(`${service.name} not healthy after ${timeoutMs} ms (GET ${url} → ${probe.seen})`);
    await delay(5);
  }
}
