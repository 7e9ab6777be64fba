import { describe, expect, it } from 'vitest';
import { parseTelemetry } from '../criteria/read-telemetry.ts';
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
      { latestScrape: () => current, latestResources: () => ({ t: '', rssBytes: 100 * 1024 * 1024, cpuSeconds: 1, cpuPct: 42 }), probeDatabase: async () => databaseUp.shift() ?? true },
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
    expect(withMetrics.map((s) => [s.transactions, s.errors])).toEqual([[10, 0], [3, 1], [1, 1]]);
    expect(telemetry.samples.some((s) => s.restarts === 1)).toBe(true);
    expect(telemetry.samples.some((s) => s.dependencies?.database === false)).toBe(true);
    expect(telemetry.samples[0]).toMatchObject({ rssMb: 100, cpuPct: 42 });
  });
});
