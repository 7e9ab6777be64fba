import { beforeAll, describe, expect, it } from 'vitest';
import { problems, runOne, type OneTest } from './run-one.ts';
import { drillTargets } from './targets.ts';

/** Test 4 of the runbook, "Rollback-Forward Recovery", on the embedded default. */
describe.each(drillTargets)('Test 4: rollback-forward recovery (target %s)', (target) => {
  let t: OneTest;
  beforeAll(async () => (t = await runOne('roll-forward', target)));

  it('ran on that target', () => {
    expect(t.run.journal.target).toBe(target);
  });

  it('passes', () => {
    expect(t.test.status, problems(t.test)).toBe('passed');
  });

  it('rolled back to a verified V1; records arrived while V1 was in charge; then V2 was re-deployed and ran again', () => {
    expect(t.check('v1-operational').status).toBe('passed');
    expect(t.check('v2-redeployed')).toMatchObject({ status: 'passed', value: true });
    const forward = t.test.steps.filter((s) => s.phase === 'forward').map((s) => s.id);
    expect(forward).toEqual([
      'arrivals-under-v1',
      'v1-run',
      'arrivals-before-forward',
      'read-kpis-before-forward',
      'stop-v1',
      'redeploy-v2',
      'v2-rerun',
      'read-kpis-after-forward',
      'account-records-forward',
      'fingerprint-schema-after',
      'v2-fresh-run',
    ]);
  });

  it("judges V2's re-run over what it recomputed, against V2 from scratch on the same data, and its records and schema", () => {
    expect(t.check('v2-rerun-recomputed')).toMatchObject({ status: 'passed' });
    expect(t.check('v2-rerun-recomputed').value as number).toBeGreaterThan(0);
    expect(t.check('consistent-outputs')).toMatchObject({ status: 'passed', value: 0, unit: 'points out of tolerance' });
    expect(t.check('consistent-outputs').message).toMatch(/^\d+ KPI points compared, 0 out of tolerance/);
    for (const id of ['forward-no-missing-points', 'no-skipped-records', 'no-reprocessing']) expect(t.check(id), id).toMatchObject({ status: 'passed', value: 0 });
    expect(t.check('schema-unchanged')).toMatchObject({ status: 'passed', value: true });
  });

  it('fills the roll-forward items of the checklist', async () => {
    const checklist = await t.checklist();
    expect(checklist).toContain('[x] V2 re-deployment successful: YES');
    expect(checklist).toContain('[x] Consistent outputs: YES');
  });
});
