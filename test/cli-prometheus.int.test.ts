import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample, Telemetry } from '../src/criteria/telemetry-schema.ts';
import { drill } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { portOfProcess, prometheusTestsRun, referenceV2Telemetry, startPrometheus, startStableAddress, type StableAddress, type StartedPrometheus } from './helpers/prometheus.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * The acceptance: "A dry-run with telemetry.kind: 'prometheus' against a real Prometheus fires
 * the crash-loop criterion". A real `drill run --only dry-run` through the CLI on the reference setup
 * (2 000 loans), its V2 crash-looping (crash-after:1); a real Prometheus scrapes that V2 through a
 * fixed address the test keeps pointed at whichever V2 process the drill has running (found by the
 * marker in its environment: the harness does not help Prometheus find it). The recorder's metric
 * fields, restarts included, come from Prometheus only, and the decision fires crash-loop from them.
 */
let prometheus: StartedPrometheus;
let front: StableAddress;
let run: TestRun | undefined;
let marker: string | undefined;

describe.runIf(prometheusTestsRun)('dry-run with decision.telemetry.kind prometheus, through the CLI', () => {
  beforeAll(async () => {
    front = await startStableAddress(async () => (marker ? portOfProcess(marker, 'fixtures/pipeline-v2/main.ts') : undefined));
    prometheus = await startPrometheus({ jobs: [{ name: 'abaco-v2', targets: [front.address] }], scrapeIntervalMs: 500 });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await front?.stop();
  });

  it('fires crash-loop from the Prometheus-fed samples, names the query Prometheus refused without failing, and leaves nothing running', async () => {
    run = await testRun((staging) => {
      staging['setup'][0].args = staging['setup'][0].args.map((a: string) => (a === '20000' ? '2000' : a));
      const telemetry = referenceV2Telemetry(prometheus.url, 'abaco-v2', 1000);
      // One query Prometheus refuses (unbalanced): named in the journal, its field missing, the drill unharmed.
      (telemetry.queries as Record<string, unknown>)['deadlocks'] = 'sum(increase(abaco_deadlocks_total{{selector}}[{{interval}}])';
      staging['decision'] = { ...staging['decision'], telemetry };
    });
    marker = run.marker;
    const started = Date.now();
    const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'dry-run'], { TMPDIR: run.tmp });
    const tookMs = Date.now() - started;
    expect(result.exitCode, result.all).toBe(0);
    expect(tookMs).toBeLessThan(120_000);

    const journal = await latestJournal(run.reportDir);
    const steps = journal.tests[0]!.steps;
    // Known from the first sample on: where each field comes from, and that Prometheus answered.
    const deploy = steps.find((s) => s.id === 'deploy-v2')!;
    const refused = expect.stringMatching(/^deadlocks: Prometheus http:\/\/127\.0\.0\.1:\d+ \(POST \/api\/v1\/query\): answered 400 status "error" \(bad_data\): .*parse error/);
    expect(deploy.output?.['telemetry']).toMatchObject({ kind: 'prometheus', url: prometheus.url, fields: { restarts: ['prometheus'] }, errors: [{ message: refused, count: 1 }] });

    const observe = steps.find((s) => s.id === 'observe-failure')!;
    expect(observe.output).toMatchObject({ decision: 'rollback', fired: expect.arrayContaining([expect.objectContaining({ id: 'crash-loop' })]) });
    const source = observe.output?.['telemetrySource'] as Telemetry['source'];
    expect(source).toMatchObject({
      kind: 'prometheus',
      url: prometheus.url,
      fields: { restarts: ['prometheus'], transactions: ['prometheus'], rowsIn: ['prometheus'], rssMb: ['prometheus'] },
    });
    // The harness's own restarts are not a source of the field: only Prometheus's answers can have fired it.
    expect(source!.fields['restarts']).not.toContain('harness');
    expect(source!.answers!['restarts']!.answered).toBeGreaterThan(0);
    expect(source!.errors).toEqual([{ message: refused, count: source!.answers!['deadlocks']!.failed, firstAt: expect.any(String) }]);
    expect(source!.answers!['deadlocks']).toMatchObject({ answered: 0, missing: 0 });
    expect(observe.output?.['crashes']).toBeGreaterThanOrEqual(1);

    // The series the decision was made on: restarts in it (from Prometheus) reach the threshold after the fault.
    const decision = JSON.parse(await readFile(join(run.reportDir, 'latest', 'dry-run', 'decision.json'), 'utf8')) as {
      fired: Array<{ id: string; value: number; firstHeldAt: string; firedAt: string }>;
    };
    const crashLoop = decision.fired.find((f) => f.id === 'crash-loop')!;
    expect(crashLoop.value).toBeGreaterThanOrEqual(3);
    const telemetry = JSON.parse(await readFile(join(run.reportDir, 'latest', 'dry-run', 'v2-telemetry-at-decision.json'), 'utf8')) as Telemetry;
    expect(telemetry.source?.kind).toBe('prometheus');
    const window = telemetry.samples.filter((s: Sample) => s.t >= crashLoop.firstHeldAt && s.t <= crashLoop.firedAt);
    expect(window.reduce((sum, s) => sum + (s.restarts ?? 0), 0)).toBe(crashLoop.value);

    expect(await processesMentioning(run.marker, run.tmp)).toEqual([]);
  });
});
