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

  it('rolled back to a verified V1, then re-deployed V2 and ran it again', () => {
    expect(t.check('v1-operational').status).toBe('passed');
    expect(t.check('v2-redeployed')).toMatchObject({ status: 'passed', value: true });
    const forward = t.test.steps.filter((s) => s.phase === 'forward').map((s) => s.id);
    expect(forward).toEqual(['stop-v1', 'redeploy-v2', 'v2-run', 'read-kpis-after-forward', 'fingerprint-schema-after']);
  });

  it('gives KPIs consistent with the previous V2 run, no duplicates, and an unchanged schema', () => {
    expect(t.check('consistent-outputs')).toMatchObject({ status: 'passed', threshold: 1 });
    expect(t.check('no-duplicate-rows')).toMatchObject({ status: 'passed', value: 0 });
    expect(t.check('schema-unchanged')).toMatchObject({ status: 'passed', value: true });
  });

  it('fills the roll-forward items of the checklist', async () => {
    const checklist = await t.checklist();
    expect(checklist).toContain('[x] V2 re-deployment successful: YES');
    expect(checklist).toContain('[x] Consistent outputs: YES');
  });
});
