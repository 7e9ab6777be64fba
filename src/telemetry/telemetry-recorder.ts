import type { Baseline, Sample, Telemetry, TelemetrySourceSummary } from '../criteria/telemetry-schema.ts';
import type { PrometheusSampler } from './prometheus-source.ts';
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
  /**
   * Prometheus instead of the scrape: the fields it maps come from its answers only (one source per
   * field, so a series never mixes two definitions of a count), and `latestScrape` and
   * `baselineThroughput` are not read (the baseline is its first non-zero throughput). Prometheus
   * scrapes the same /metrics; taking both would count every batch twice.
   */
  prometheus?: PrometheusSampler;
}

export interface TelemetryRecorder {
  /** The series so far, in the format `drill decide --telemetry` reads. */
  telemetry(): Telemetry;
  /** Which source fed which field, and (Prometheus) what each query answered and every error it gave. */
  source(): TelemetrySourceSummary;
  /** Resolves once the first sample is taken (so a Prometheus that is down or refuses a query is known at once). */
  readonly firstSample: Promise<void>;
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
 * the same process) — or Prometheus's answers, every stepMs — its RSS/CPU, database, source and blob
 * probes, and the restarts the harness made. The harness's own measurements fill the fields Prometheus
 * does not map; latency is the larger of both, since only the harness sees the age of work a hung
 * service never finishes. The baseline throughput is the first non-zero throughput seen: the healthy
 * run before any fault.
 */
export function startTelemetryRecorder(sources: TelemetrySources, options: RecorderOptions): TelemetryRecorder {
  const { intervalMs, metrics, clock = Date.now } = options;
  const samples: Sample[] = [];
  const baseline: Baseline = {};
  const lastByProcess = new WeakMap<object, ScrapeSample>();
  let pendingRestarts = 0;
  const { prometheus } = sources;
  const fromPrometheus = new Set<string>(prometheus?.signals ?? []);
  let firstTaken: () => void = () => undefined;
  const firstSample = new Promise<void>((resolve) => (firstTaken = resolve));

  const take = async (): Promise<void> => {
    // Whatever happens to the first sample, whoever waits for it is not left waiting.
    await takeSample().finally(firstTaken);
  };
  const takeSample = async (): Promise<void> => {
    const at = clock();
    const [database, source, blob, answered] = await Promise.all([
      sources.probeDatabase().catch(() => false),
      sources.probeSource?.().catch(() => false),
      sources.probeBlob?.().catch(() => false),
      prometheus?.sample(at),
    ]);
    const dependencies = { database, ...(source === undefined ? {} : { source }), ...(blob === undefined ? {} : { blob }) };
    const sample: Sample = { t: new Date(Math.max(at, lastTime() + 1)).toISOString(), dependencies };
    if (prometheus) Object.assign(sample, answered);
    else {
      const scrape = sources.latestScrape();
      if (scrape?.sample.metrics && lastByProcess.get(scrape.process) !== scrape.sample) {
        Object.assign(sample, metricFields(metrics, scrape.sample.metrics, lastByProcess.get(scrape.process)?.metrics));
        lastByProcess.set(scrape.process, scrape.sample);
      }
    }
    const harnessLatency = sources.harnessLatencyMs?.();
    if (harnessLatency !== undefined) sample.latencyMs = Math.max(sample.latencyMs ?? 0, harnessLatency);
    const resources = sources.latestResources();
    if (resources) {
      if (!fromPrometheus.has('rssMb')) sample.rssMb = Math.round((resources.rssBytes / (1024 * 1024)) * 10) / 10;
      if (resources.cpuPct !== undefined && !fromPrometheus.has('cpuPct')) sample.cpuPct = resources.cpuPct;
    }
    if (pendingRestarts > 0 && !fromPrometheus.has('restarts')) sample.restarts = pendingRestarts;
    pendingRestarts = 0;
    if (baseline.throughputRowsPerSec === undefined) {
      const seen = (prometheus ? undefined : sources.baselineThroughput?.()) ?? sample.throughputRowsPerSec;
      if (seen !== undefined && seen > 0) baseline.throughputRowsPerSec = seen;
    }
    samples.push(sample);
  };
  const lastTime = () => (samples.length ? Date.parse(samples[samples.length - 1]!.t) : 0);
  const loop = startPollLoop(take, intervalMs, clock);

  const source = (): TelemetrySourceSummary => {
    const fields: Record<string, Array<'scrape' | 'prometheus' | 'harness'>> = {};
    const add = (field: string, from: 'scrape' | 'prometheus' | 'harness') => (fields[field] ??= []).push(from);
    if (prometheus) for (const signal of prometheus.signals) add(signal, 'prometheus');
    else {
      for (const [field, selector] of Object.entries(metrics.counters)) if (selector) add(field, 'scrape');
      if (metrics.gauges.latency) add('latencyMs', 'scrape');
      if (metrics.gauges.throughputRowsPerSec) add('throughputRowsPerSec', 'scrape');
    }
    if (sources.harnessLatencyMs) add('latencyMs', 'harness');
    for (const field of ['rssMb', 'cpuPct', 'restarts']) if (!fromPrometheus.has(field)) add(field, 'harness');
    for (const [field, probed] of [
      ['dependencies.database', true],
      ['dependencies.source', sources.probeSource],
      ['dependencies.blob', sources.probeBlob],
    ] as const) {
      if (probed) add(field, 'harness');
    }
    return prometheus ? { kind: 'prometheus', ...prometheus.summary(), fields } : { kind: 'scrape', fields };
  };

  return {
    telemetry: () => ({ source: source(), ...(baseline.throughputRowsPerSec ? { baseline: { ...baseline } } : {}), samples: [...samples] }),
    source,
    firstSample,
    noteRestart: () => void pendingRestarts++,
    stop: () => loop.stop(),
  };
}
