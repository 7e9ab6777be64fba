import { constants } from 'node:os';
import type { ExitInfo, ResourceSample } from '../target.ts';

/** The part of the engine's `GET /containers/{id}/stats` answer a sample needs (cgroup v1 and v2). */
export interface EngineStats {
  memory_stats?: { usage?: number; stats?: Record<string, number | undefined> };
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
}

/**
 * RSS as `docker stats` shows it: usage minus the page cache the kernel can drop (inactive files),
 * so a pipeline that wrote large parquet files is not reported as holding that memory.
 */
export function sampleFromStats(stats: EngineStats): ResourceSample | undefined {
  const usage = stats.memory_stats?.usage;
  const cpuNs = stats.cpu_stats?.cpu_usage?.total_usage;
  if (usage === undefined || cpuNs === undefined) return undefined;
  const memory = stats.memory_stats?.stats ?? {};
  const cache = memory['total_inactive_file'] ?? memory['inactive_file'] ?? 0;
  return { rssBytes: Math.max(0, usage - cache), cpuSeconds: cpuNs / 1e9 };
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/** A container's exit status: 128 + n means PID 1 died of signal n (137 = SIGKILL), as in a shell. */
export function exitInfoFromStatus(statusCode: number): ExitInfo {
  const signal = statusCode > 128 ? signalNames.get(statusCode - 128) : undefined;
  return signal ? { exitCode: null, signal } : { exitCode: statusCode, signal: null };
}
