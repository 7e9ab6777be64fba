import { describe, expect, it } from 'vitest';
import { startAzurite } from '../blob/azurite.ts';
import { evaluate } from '../criteria/evaluate.ts';
import type { Telemetry } from '../criteria/telemetry-schema.ts';
import { startTelemetryRecorder } from './telemetry-recorder.ts';
import { telemetryMetricsSchema } from './telemetry-metrics.ts';

/**
 * A real Azurite goes away while the recorder probes the container the pipeline publishes to: the
 * blob-unavailable criterion fires only once the outage has lasted longer than the configured
 * duration (1.5 s here instead of the seed's 5 minutes), and a shorter outage is held back.
 */
describe('blob storage outage, recorded and decided', () => {
  it('blob-unavailable fires only after the outage outlasts 1.5 s', async () => {
    const azurite = await startAzurite({ host: '127.0.0.1', startTimeoutMs: 30_000, probeTimeoutMs: 300 });
    const container = await azurite.containerFor('dry-run');
    const recorder = startTelemetryRecorder(
      { latestScrape: () => undefined, latestResources: () => undefined, probeDatabase: async () => true, probeBlob: () => container.probe() },
      { intervalMs: 100, metrics: telemetryMetricsSchema.parse({}) },
    );
    const overrides = { criteria: { 'blob-unavailable': { sustainMs: 1500 } } };
    const down = (t: Telemetry) => t.samples.filter((s) => s.dependencies?.blob === false);
    try {
      await expect.poll(() => recorder.telemetry().samples.filter((s) => s.dependencies?.blob === true).length, { timeout: 5000 }).toBeGreaterThan(3);
      expect(evaluate(recorder.telemetry(), undefined, { overrides }).decision).toBe('continue');
      await azurite.stop();
      await expect.poll(() => evaluate(recorder.telemetry(), undefined, { overrides }).decision, { timeout: 10_000, interval: 100 }).toBe('rollback');
      const all = recorder.telemetry();
      const decision = evaluate(all, undefined, { overrides });
      expect(decision.fired.map((f) => f.id)).toEqual(['blob-unavailable']);
      const firstDown = down(all)[0]!.t;
      expect(decision.fired[0]!.firstHeldAt).toBe(firstDown);
      expect(decision.fired[0]!.heldMs).toBeGreaterThan(1500);
      // The same series cut 1 s into the outage — a shorter outage — is held back: continue.
      const shorter = { ...all, samples: all.samples.filter((s) => Date.parse(s.t) <= Date.parse(firstDown) + 1000) };
      expect(down(shorter).length).toBeGreaterThan(2);
      const early = evaluate(shorter, undefined, { overrides });
      expect(early.decision).toBe('continue');
      expect(early.heldBack.map((h) => h.criterion)).toContain('blob-unavailable');
      // With the seed's own 5 minutes, the whole recorded outage is still too short.
      expect(evaluate(all).decision).toBe('continue');
    } finally {
      await recorder.stop();
      await azurite.stop();
    }
  });
});
