import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { problems, runOne, type OneTest } from './run-one.ts';
import { drillTargets } from './targets.ts';

/** Test 2 of the runbook, "Rollback with Data Validation", on the embedded default. */
describe.each(drillTargets)('Test 2: rollback with data validation (target %s)', (target) => {
  let t: OneTest;
  beforeAll(async () => (t = await runOne('data-validation', target)));

  it('ran on that target', () => {
    expect(t.run.journal.target).toBe(target);
  });

  it('passes', () => {
    expect(t.test.status, problems(t.test)).toBe('passed');
  });

  it('compares V1 on the same data with V2, per KPI × as-of × segment, below 1%', () => {
    expect(t.check('kpi-variance')).toMatchObject({ status: 'passed', unit: 'points out of tolerance', threshold: 0, value: 0 });
    expect(t.check('kpi-variance').message).toMatch(/^\d+ KPI points compared, 0 out of tolerance/);
    expect(Number(/^(\d+) KPI points/.exec(t.check('kpi-variance').message!)![1])).toBeGreaterThan(400);
    expect(t.check('no-missing-data-points')).toMatchObject({ status: 'passed', value: 0 });
  });

  it('accounts for every source key, including the ones that arrived during the cutover', async () => {
    expect(t.check('zero-data-loss')).toMatchObject({ status: 'passed', value: 0, evidence: 'data-validation/accounting-after.json' });
    expect(t.check('cutover-gap-processed')).toMatchObject({ status: 'passed', value: 0 });
    expect(t.check('cutover-gap-processed').message).toMatch(/^[1-9]\d* source keys arrived during the cutover$/);
    const accounting = JSON.parse(await readFile(join(t.run.runDir, 'data-validation/accounting-after.json'), 'utf8'));
    expect(accounting.sourceKeys).toBeGreaterThan(118_000);
    expect(accounting.missingKeys).toBe(0);
  });

  it('keeps historical metrics intact, proves the backup restores, and keeps the evidence', () => {
    expect(t.check('history-intact')).toMatchObject({ status: 'passed', value: 0 });
    expect(t.check('backup-restores')).toMatchObject({ status: 'passed', value: true, evidence: 'data-validation/restore-proof.json' });
    for (const file of ['backup/toc.dat', 'v2-metrics.jsonl', 'v2-kpis.json', 'history-before.json', 'v2-final-state.log', 'v1-kpis-same-data.json']) {
      expect(t.test.evidence, file).toContain(`data-validation/${file}`);
    }
  });

  it('fills the data validation items of the checklist', async () => {
    const checklist = await t.checklist();
    expect(checklist).toContain('[x] No data loss: YES');
    expect(checklist).toContain('[x] Output variance < 1%: YES');
  });
});
