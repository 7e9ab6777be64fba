import { describe, expect, it } from 'vitest';
import { evaluate } from '../criteria/evaluate.ts';
import type { Telemetry } from '../criteria/telemetry-schema.ts';
import { canConnect } from '../database/connectivity.ts';
import { startEphemeralPostgres } from '../database/ephemeral-postgres.ts';
import { startTelemetryRecorder } from './telemetry-recorder.ts';
import { telemetryMetricsSchema } from './telemetry-metrics.ts';

/**
 * A real PostgreSQL goes away while the recorder probes it (and the data source inside it): the
 * outage criteria fire only once the outage has lasted longer than the configured duration (here
 * 1.5 s instead of the seed's 5 minutes), never before.
 */
describe('database and source outage, recorded and decided', () => {
  it('database-unavailable and source-unavailable fire only after the outage outlasts 1.5 s', async () => {
    const server = await startEphemeralPostgres();
    const dsn = await server.createDatabase('drill_outage');
    const create = await canConnect(dsn, 2000, 'create table source_events (id int); insert into source_events values (1)');
    expect(create).toBe(true);
    const recorder = startTelemetryRecorder(
      {
        latestScrape: () => undefined,
        latestResources: () => undefined,
        probeDatabase: () => canConnect(dsn, 300),
        probeSource: () => canConnect(dsn, 300, 'select 1 from source_events limit 1'),
      },
      { intervalMs: 100, metrics: telemetryMetricsSchema.parse({}) },
    );
    const overrides = { criteria: { 'database-unavailable': { sustainMs: 1500 }, 'source-unavailable': { sustainMs: 1500 } } };
    try {
      await expect.poll(() => recorder.telemetry().samples.length, { timeout: 5000 }).toBeGreaterThan(3);
      await server.stop();
      const down = (t: Telemetry) => t.samples.filter((s) => s.dependencies?.database === false);
      // Longer: both fire, from the first sample that saw the outage.
      await expect.poll(() => evaluate(recorder.telemetry(), undefined, { overrides }).decision, { timeout: 10_000, interval: 100 }).toBe('rollback');
      const decision = evaluate(recorder.telemetry(), undefined, { overrides });
      const fired = Object.fromEntries(decision.fired.map((f) => [f.id, f]));
      expect(Object.keys(fired)).toEqual(expect.arrayContaining(['database-unavailable', 'source-unavailable']));
      const firstDown = down(recorder.telemetry())[0]!.t;
      expect(fired['database-unavailable']!.firstHeldAt).toBe(firstDown);
      expect(fired['database-unavailable']!.heldMs).toBeGreaterThan(1500);
      // The same series cut 1 s into the outage — a shorter outage — is held back: continue.
      const all = recorder.telemetry();
      const shorter = { ...all, samples: all.samples.filter((s) => Date.parse(s.t) <= Date.parse(firstDown) + 1000) };
      expect(down(shorter).length).toBeGreaterThan(2);
      const early = evaluate(shorter, undefined, { overrides });
      expect(early.decision).toBe('continue');
      expect(early.heldBack.map((h) => h.criterion)).toEqual(expect.arrayContaining(['database-unavailable', 'source-unavailable']));
    } finally {
      await recorder.stop();
      await server.stop();
    }
  });
});
