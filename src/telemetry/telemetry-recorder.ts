import type { Baseline, Sample, Telemetry } from '../criteria/telemetry-schema.ts';
import type { ResourceReading } from './resource-sampler.ts';
import type { ScrapeSample } from './scraper.ts';
import { metricFields, type TelemetryMetrics } from './telemetry-metrics.ts';
import { startPollLoop } from '../util/poll-loop.ts';

export interface TelemetrySources {
  /** The newest successful scrape of the service, and which process (scraper) took it. */
  latestScrape(): { process: object; sample: ScrapeSample } | undefined;
  /** The newest RSS/CPU reading of the service's current process. */
  latestResources(): ResourceReading | undefined;
  /** Whether the database answers now (the harness's own probe, not the service's word). */
  probeDatabase(): Promise<boolean>;
  /** Whether the data source answers now, when there is a probe for it. */
  probeSource?(): Promise<boolean>;
  /** Whether the blob storage the service publishes to answers now, when it has one. */
  probeBlob?(): Promise<boolean>;
  /**
   * The throughput of the service's healthy run, from every scrape so far (not only the newest): the
   * gauge may show it for less than one interval before the service is restarted with a fault.
   */
  baselineThroughput?(): number | undefined;
  /**
   * End-to-end latency as the harness measures it while it keeps the service busy: the age of the work
   * the service accepted and has not finished. A run that hangs shows here; a gauge of the last
   * finished run would say nothing until it ends.
   */
  harnessLatencyMs?(): number | undefined;
}

export interface TelemetryRecorder {
  /** The series so far, in the format `drill decide --telemetry` reads. */
  telemetry(): Telemetry;
  /** A restart of the service the harness made (as a service manager would): counted in the next sample. */
  noteRestart(): void;
  stop(): Promise<void>;
}

export interface RecorderOptions {
  intervalMs: number;
  metrics: TelemetryMetrics;
  clock?: () => number;
}

/**
 * Builds the decision criteria's telemetry series while a drill runs: every intervalMs one sample
 * from the service's newest /metrics scrape (counters as increases since the previous scrape of
 * the same process), its RSS/CPU, database, source and blob probes, and the restarts the harness made. The
 * baseline throughput is the first non-zero throughput seen: the healthy run before any fault.
 */
export function startTelemetryRecorder(sources: TelemetrySources, options: RecorderOptions): TelemetryRecorder {
  const { intervalMs, metrics, clock = Date.now } = options;
  const samples: Sample[] = [];
  const baseline: Baseline = {};
  const lastByProcess = new WeakMap<object, ScrapeSample>();
  let pendingRestarts = 0;

  const take = async (): Promise<void> => {
    const at = clock();
    const [database, source, blob] = await Promise.all([
      sources.probeDatabase().catch(() => false),
      sources.probeSource?.().catch(() => false),
      sources.probeBlob?.().catch(() => false),
    ]);
    const dependencies = { database, ...(source === undefined ? {} : { source }), ...(blob === undefined ? {} : { blob }) };
    const sample: Sample = { t: new Date(Math.max(at, lastTime() + 1)).toISOString(), dependencies };
    const scrape = sources.latestScrape();
    if (scrape?.sample.metrics && lastByProcess.get(scrape.process) !== scrape.sample) {
      Object.assign(sample, metricFields(metrics, scrape.sample.metrics, lastByProcess.get(scrape.process)?.metrics));
      lastByProcess.set(scrape.process, scrape.sample);
    }
    const harnessLatency = sources.harnessLatencyMs?.();
    if (harnessLatency !== undefined) sample.latencyMs = Math.max(sample.latencyMs ?? 0, harnessLatency);
    const resources = sources.latestResources();
    if (resources) {
      sample.rssMb = Math.round((resources.rssBytes / (1024 * 1024)) * 10) / 10;
      if (resources.cpuPct !== undefined) sample.cpuPct = resources.cpuPct;
    }
    if (pendingRestarts > 0) {
      sample.restarts = pendingRestarts;
      pendingRestarts = 0;
    }
    if (baseline.throughputRowsPerSec === undefined) {
      const seen = sources.baselineThroughput?.() ?? sample.throughputRowsPerSec;
      if (seen !== undefined && seen > 0) baseline.throughputRowsPerSec = seen;
    }
    samples.push(sample);
  };
  const lastTime = () => (samples.length ? Date.parse(samples[samples.length - 1]!.t) : 0);
  const loop = startPollLoop(take, intervalMs, clock);

  return {
    telemetry: () => ({ ...(baseline.throughputRowsPerSec ? { baseline: { ...baseline } } : {}), samples: [...samples] }),
    noteRestart: () => void pendingRestarts++,
    stop: () => loop.stop(),
  };
}
