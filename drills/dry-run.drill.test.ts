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

  it('simulated the failure and observed it before rolling back', () => {
    expect(t.step('restart-v2-with-fault').status).toBe('passed');
    expect(t.step('observe-failure').output?.['observed']).toMatchObject({ how: expect.stringMatching(/V2 process exited|failed|health|errors/) });
    expect(t.step('stop-v2').output).toMatchObject({ alreadyExited: true });
  });

  it('rolled back within 5 minutes with V1 fully operational', () => {
    expect(t.check('rollback-within-budget')).toMatchObject({ status: 'passed', threshold: 300_000 });
    for (const id of ['v1-phases-executed', 'v1-health-ok', 'v1-kpis-produced', 'v1-outputs-written', 'v1-no-error-logs', 'v1-db-connectivity', 'v1-operational']) {
      expect(t.check(id).status, id).toBe('passed');
    }
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
