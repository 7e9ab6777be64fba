import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { problems, runOne, type OneTest } from './run-one.ts';
import { drillTargets } from './targets.ts';

/** Test 1 of the runbook, "Dry-Run Rollback", on the embedded default: V2 restarted with crash-after:1. */
describe.each(drillTargets)('Test 1: dry-run rollback (target %s)', (target) => {
  let t: OneTest;
  beforeAll(async () => (t = await runOne('dry-run', target)));

  it('ran on that target', () => {
    expect(t.run.journal.target).toBe(target);
  });

  it('passes', () => {
    expect(t.test.status, problems(t.test)).toBe('passed');
  });

  it('rolled back because the decision criteria fired on the telemetry of the faulty V2, and timed the detection', async () => {
    expect(t.step('restart-v2-with-fault').status).toBe('passed');
    const observed = t.step('observe-failure').output!;
    // crash-after:1 makes every run die after its first batch; V2 is restarted like a service manager would.
    // Under load a check may see one more restart before the sample that fires; the crash loop must be what fired.
    expect(observed).toMatchObject({ decision: 'rollback', fired: expect.arrayContaining([expect.objectContaining({ id: 'crash-loop', threshold: 3 })]) });
    // On a swarm the orchestrator restarts V2 itself (restart policy), on ssh-systemd systemd does (Restart=on-failure):
    // the harness counts their restarts (task history, NRestarts) and restarts nothing.
    const byTarget = target === 'swarm' || target === 'ssh-systemd';
    expect(observed[byTarget ? 'restartsByTarget' : 'restartsByHarness']).toBeGreaterThanOrEqual(3);
    if (byTarget) expect(observed['restartsByHarness']).toBe(0);
    const crashLoop = (observed['fired'] as Array<{ id: string; value: number }>).find((f) => f.id === 'crash-loop')!;
    expect(crashLoop.value).toBeGreaterThanOrEqual(3);
    expect(observed['timeToDetectMs']).toBeGreaterThan(0);
    expect(observed['timeToDetectMs']).toBeLessThan(60_000);
    const telemetry = JSON.parse(await readFile(join(t.run.runDir, 'dry-run', 'v2-telemetry.json'), 'utf8'));
    expect(telemetry.samples.filter((s: { restarts?: number }) => s.restarts).length).toBeGreaterThanOrEqual(1);
    expect(telemetry.baseline.throughputRowsPerSec).toBeGreaterThan(0);
  });

  it('rolled back within 5 minutes with V1 fully operational', () => {
    expect(t.check('rollback-within-budget')).toMatchObject({ status: 'passed', threshold: 300_000 });
    for (const id of [
      'v1-phases-executed',
      'v1-health-ok',
      'v1-kpis-produced',
      'v1-outputs-written',
      'v1-outputs-published',
      'v1-no-error-logs',
      'v1-db-connectivity',
      'v1-operational',
    ]) {
      expect(t.check(id).status, id).toBe('passed');
    }
  });

  it('found every output V1 wrote in the Azurite blob container, and probed blob storage all along', async () => {
    const validated = t.step('validate-v1').output!;
    expect(validated['blobFiles']).toBe(validated['outputFiles']);
    expect(validated['blobFiles']).toBeGreaterThan(0);
    expect(t.step('prepare-database').output!['blob']).toMatch(/^Azurite \d+\.\d+\.\d+ at http:\/\/[\d.]+:\d+, container drill-dry-run-[0-9a-f]{6}$/);
    const telemetry = JSON.parse(await readFile(join(t.run.runDir, 'dry-run', 'v2-telemetry.json'), 'utf8'));
    expect(telemetry.samples.length).toBeGreaterThan(0);
    expect(telemetry.samples.every((s: { dependencies?: { blob?: boolean } }) => s.dependencies?.blob === true)).toBe(true);
  });

  it('restored all metrics and lost no data', () => {
    expect(t.check('metrics-restored')).toMatchObject({ status: 'passed', value: 0 });
    expect(t.check('zero-data-loss')).toMatchObject({ status: 'passed', value: 0 });
    expect(t.check('history-intact')).toMatchObject({ status: 'passed', value: 0 });
  });

  it('fills the dry-run items of the checklist', async () => {
    const checklist = await t.checklist();
    expect(checklist).toContain(`Time: ${(t.test.rollbackMs! / 1000).toFixed(1)} seconds`);
    expect(checklist).toContain('[x] V1 fully operational: YES');
  });
});
