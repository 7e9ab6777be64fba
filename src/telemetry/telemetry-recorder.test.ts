import { describe, expect, it } from 'vitest';
import { parseTelemetry } from '../criteria/read-telemetry.ts';
import { freePort } from '../util/free-port.ts';
import { prometheusTelemetrySchema } from './prometheus-schema.ts';
import { createPrometheusSampler, type PrometheusSampler } from './prometheus-source.ts';
import type { ScrapeSample } from './scraper.ts';
import { startTelemetryRecorder } from './telemetry-recorder.ts';
import { telemetryMetricsSchema } from './telemetry-metrics.ts';

const metrics = telemetryMetricsSchema.parse({
  counters: { transactions: 'batches_total', errors: 'batches_total{status="failed"}' },
  gauges: { throughputRowsPerSec: 'rows_per_second' },
});
const scrape = (failed: number, committed: number, rps: number): ScrapeSample => ({
  t: new Date().toISOString(),
  ok: true,
  metrics: { 'batches_total{status="failed"}': failed, 'batches_total{status="committed"}': committed, rows_per_second: rps },
});

describe('startTelemetryRecorder', () => {
  it('builds a series drill decide accepts: counter increases per process, restarts, database probes, the baseline', async () => {
    let now = Date.parse('2026-11-25T10:00:00Z');
    const first = {};
    const second = {};
    const feed: Array<{ process: object; sample: ScrapeSample }> = [
      { process: first, sample: scrape(0, 10, 800) },
      { process: first, sample: scrape(1, 12, 800) },
      { process: second, sample: scrape(1, 0, 0) },
    ];
    let current: { process: object; sample: ScrapeSample } | undefined;
    const databaseUp = [true, true, true, false];
    const manual = startTelemetryRecorder(
      {
        latestScrape: () => current,
        latestResources: () => ({ t: '', rssBytes: 100 * 1024 * 1024, cpuSeconds: 1, cpuPct: 42 }),
        probeDatabase: async () => databaseUp.shift() ?? true,
      },
      { intervalMs: 1, metrics, clock: () => (now += 1000) },
    );
    for (const next of feed) {
      current = next;
      if (next.process === second) manual.noteRestart();
      const count = manual.telemetry().samples.length;
      await expect.poll(() => manual.telemetry().samples.length).toBeGreaterThan(count);
    }
    await manual.stop();
    const telemetry = parseTelemetry(manual.telemetry(), 'recorder');
    expect(telemetry.baseline).toEqual({ throughputRowsPerSec: 800 });
    const withMetrics = telemetry.samples.filter((s) => s.transactions !== undefined);
    expect(withMetrics.map((s) => [s.transactions, s.errors])).toEqual([
      [10, 0],
      [3, 1],
      [1, 1],
    ]);
    expect(telemetry.samples.some((s) => s.restarts === 1)).toBe(true);
    expect(telemetry.samples.some((s) => s.dependencies?.database === false)).toBe(true);
    expect(telemetry.samples[0]).toMatchObject({ rssMb: 100, cpuPct: 42 });
  });

  it('with Prometheus: its fields only from its answers (the scrape and the harness’s restarts left out), the harness filling the rest, latency the larger, and the source of each field said', async () => {
    let now = Date.parse('2026-11-25T10:00:00Z');
    const answers: Array<Record<string, number> | undefined> = [
      { restarts: 1, rssMb: 300, latencyMs: 2000, transactions: 7, throughputRowsPerSec: 0 },
      undefined,
      { throughputRowsPerSec: 900 },
    ];
    const prometheus: PrometheusSampler = {
      url: 'http://prometheus:9090',
      signals: ['latencyMs', 'rssMb', 'throughputRowsPerSec', 'transactions', 'restarts'],
      sample: async () => answers.shift() ?? {},
      summary: () => ({ url: 'http://prometheus:9090', answers: { restarts: { answered: 1, missing: 2, failed: 0 } } }),
    };
    const recorder = startTelemetryRecorder(
      {
        latestScrape: () => ({ process: {}, sample: scrape(5, 50, 800) }),
        baselineThroughput: () => 800,
        latestResources: () => ({ t: '', rssBytes: 100 * 1024 * 1024, cpuSeconds: 1, cpuPct: 42 }),
        harnessLatencyMs: () => 5000,
        probeDatabase: async () => true,
        prometheus,
      },
      { intervalMs: 1, metrics, clock: () => (now += 1000) },
    );
    await recorder.firstSample;
    recorder.noteRestart();
    await expect.poll(() => recorder.telemetry().samples.length).toBeGreaterThanOrEqual(3);
    await recorder.stop();
    const [first, second, third] = parseTelemetry(recorder.telemetry(), 'recorder').samples;
    expect(first).toEqual({
      t: expect.any(String),
      dependencies: { database: true },
      restarts: 1,
      rssMb: 300,
      latencyMs: 5000,
      transactions: 7,
      throughputRowsPerSec: 0,
      cpuPct: 42,
    });
    // Not due: no Prometheus field, no scrape in its place, the harness's restart not counted, RSS not the harness's.
    expect(second).toEqual({ t: expect.any(String), dependencies: { database: true }, latencyMs: 5000, cpuPct: 42 });
    expect(third).toMatchObject({ throughputRowsPerSec: 900 });
    expect(recorder.telemetry().baseline).toEqual({ throughputRowsPerSec: 900 });
    expect(recorder.source()).toEqual({
      kind: 'prometheus',
      url: 'http://prometheus:9090',
      answers: { restarts: { answered: 1, missing: 2, failed: 0 } },
      fields: {
        latencyMs: ['prometheus', 'harness'],
        rssMb: ['prometheus'],
        throughputRowsPerSec: ['prometheus'],
        transactions: ['prometheus'],
        restarts: ['prometheus'],
        cpuPct: ['harness'],
        'dependencies.database': ['harness'],
      },
    });
  });

  it('with the scrape: the source names the mapped series and the harness’s own fields', async () => {
    const recorder = startTelemetryRecorder({ latestScrape: () => undefined, latestResources: () => undefined, probeDatabase: async () => true }, { intervalMs: 1000, metrics });
    await recorder.firstSample;
    await recorder.stop();
    expect(recorder.source()).toEqual({
      kind: 'scrape',
      fields: {
        transactions: ['scrape'],
        errors: ['scrape'],
        throughputRowsPerSec: ['scrape'],
        rssMb: ['harness'],
        cpuPct: ['harness'],
        restarts: ['harness'],
        'dependencies.database': ['harness'],
      },
    });
  });

  it('a Prometheus that is down: the samples go on with the harness’s own fields, the error named once with its count', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const config = prometheusTelemetrySchema.parse({ kind: 'prometheus', url, stepMs: 100, queries: { restarts: { total: 'max(abaco_restarts_total)' } } });
    const recorder = startTelemetryRecorder(
      {
        latestScrape: () => undefined,
        latestResources: () => ({ t: '', rssBytes: 100 * 1024 * 1024, cpuSeconds: 1 }),
        probeDatabase: async () => true,
        prometheus: createPrometheusSampler(config),
      },
      { intervalMs: 100, metrics },
    );
    await expect.poll(() => recorder.source().answers?.['restarts']?.failed, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await recorder.stop();
    const telemetry = parseTelemetry(recorder.telemetry(), 'recorder');
    expect(telemetry.samples.every((s) => s.restarts === undefined && s.rssMb === 100 && s.dependencies?.database === true)).toBe(true);
    const { errors, answers } = recorder.source();
    expect(errors).toEqual([
      {
        message: `restarts: Prometheus ${url} (POST /api/v1/query): unreachable: fetch failed (connect ECONNREFUSED ${url.slice(7)}) (query max(abaco_restarts_total))`,
        count: answers!['restarts']!.failed,
        firstAt: expect.any(String),
      },
    ]);
  });
});
