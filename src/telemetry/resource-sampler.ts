import type { ResourceSample } from '../targets/target.ts';
import { startPollLoop } from '../util/poll-loop.ts';

/** One reading of a service's resources; cpuPct is over the interval since the previous reading (100 = one core). */
export interface ResourceReading {
  t: string;
  rssBytes: number;
  cpuSeconds: number;
  cpuPct?: number;
}

export interface ResourceSummary {
  readings: number;
  peakRssMb: number;
  cpuSeconds: number;
  peakCpuPct: number;
}

export interface ResourceSampler {
  readings(): ResourceReading[];
  summary(): ResourceSummary | undefined;
  /** Cancels the next reading and waits for one in flight; idempotent. */
  stop(): Promise<void>;
}

/**
 * Reads a running service's RSS and CPU time (from /proc for a process, from the engine's stats
 * for a container) at once and then every intervalMs until stopped or the service has gone.
 */
export function startResourceSampler(read: () => Promise<ResourceSample | undefined>, intervalMs = 1000, clock: () => number = Date.now): ResourceSampler {
  const taken: ResourceReading[] = [];
  const loop = startPollLoop(
    async () => {
      const at = clock();
      const sample = await read().catch(() => undefined);
      if (!sample) return false; // the service has gone: nothing more to read
      taken.push(reading(sample, at, taken[taken.length - 1]));
      return true;
    },
    intervalMs,
    clock,
  );
  return {
    readings: () => [...taken],
    summary: () => summarise(taken),
    stop: () => loop.stop(),
  };
}

function reading(sample: ResourceSample, at: number, previous: ResourceReading | undefined): ResourceReading {
  const t = new Date(at).toISOString();
  const base = { t, rssBytes: sample.rssBytes, cpuSeconds: sample.cpuSeconds };
  if (!previous) return base;
  const wallSeconds = (at - Date.parse(previous.t)) / 1000;
  if (wallSeconds <= 0) return base;
  return { ...base, cpuPct: round(((sample.cpuSeconds - previous.cpuSeconds) / wallSeconds) * 100) };
}

export function summarise(readings: readonly ResourceReading[]): ResourceSummary | undefined {
  if (readings.length === 0) return undefined;
  return {
    readings: readings.length,
    peakRssMb: round(Math.max(...readings.map((r) => r.rssBytes)) / (1024 * 1024)),
    cpuSeconds: round(readings[readings.length - 1]!.cpuSeconds),
    peakCpuPct: Math.max(0, ...readings.map((r) => r.cpuPct ?? 0)),
  };
}

const round = (value: number) => Math.round(value * 10) / 10;
