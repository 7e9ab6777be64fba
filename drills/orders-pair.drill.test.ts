import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.ts';
import type { Journal, TestRecord } from '../src/journal/journal-types.ts';
import { runDrills } from '../src/run/run-drills.ts';
import { dockerTestsRun } from '../test/helpers/docker.ts';
import { problems, reportToAllure } from './run-one.ts';

/**
 * The second reference pair (fixtures/orders: TCP-ready workers, command and watermark runs, no run ids,
 * incremental, CSV outputs, no fault switch) through the same four tests, by its config file alone.
 */
// On ssh-systemd the pair runs as units of the test host, through its own environment of the same config.
const targets = dockerTestsRun ? (['process', 'docker', 'ssh-systemd'] as const) : (['process'] as const);

describe.each(targets)('the orders pair, drilled by config only (target %s)', (target) => {
  let journal: Journal;
  let runDir: string;
  const test = (id: string): TestRecord => journal.tests.find((t) => t.id === id)!;
  const check = (testId: string, id: string) => test(testId).checks.find((c) => c.id === id)!;

  beforeAll(async () => {
    const run = await runDrills({
      loaded: await loadConfig('fixtures/orders/drill.config.ts'),
      ...(target === 'ssh-systemd' ? { environmentName: 'staging-systemd' } : { environmentName: 'staging', targetOverride: target }),
      reportDir: await mkdtemp(join(tmpdir(), 'drill-orders-')),
      signal: new AbortController().signal,
    });
    reportToAllure(run);
    journal = run.journal;
    runDir = run.runDir;
  });

  it('passes the four tests on that target', () => {
    expect(journal.target).toBe(target);
    for (const t of journal.tests) expect(t.status, `${t.id}: ${problems(t)}`).toBe('passed');
    expect(journal.tests.map((t) => t.id)).toEqual(['dry-run', 'data-validation', 'rollback-time', 'roll-forward']);
  });

  it('detects the harness-side crash loop (V2 has no fault switch) with the decision criteria', () => {
    const observe = test('dry-run').steps.find((s) => s.id === 'observe-failure')!;
    expect(test('dry-run').steps.find((s) => s.id === 'inject-fault')!.output).toMatchObject({ fault: 'crash loop: V2 killed each time it is healthy' });
    expect(observe.output).toMatchObject({ decision: 'rollback', fired: [expect.objectContaining({ id: 'crash-loop' })] });
    expect(check('dry-run', 'failure-detected')).toMatchObject({ status: 'passed', value: true });
  });

  it('runs V1 by command, waits for V2 through its watermark, and judges an incremental run with nothing new over the whole KPI set', () => {
    const validate = test('rollback-time').steps.find((s) => s.id === 'validate-v1')!;
    expect(validate.output).toMatchObject({ protocol: 'command', kpiRows: 0, outputsScope: 'all files (the run had nothing new to write)' });
    expect(test('rollback-time').steps.find((s) => s.id === 'v2-run')!.output).toMatchObject({ protocol: 'watermark' });
    // After the cutover arrivals there is something new: the rows and the CSV files of that run are judged.
    const afterCutover = test('data-validation').steps.find((s) => s.id === 'validate-v1')!;
    expect(afterCutover.output!['kpiRows']).toBeGreaterThan(0);
    expect(afterCutover.output!['outputFiles']).toBeGreaterThan(0);
  });

  it('compares V1 and V2 on the same data, keeps history, loses no record, and picks V2 up again without reprocessing', () => {
    expect(check('data-validation', 'kpi-variance')).toMatchObject({ status: 'passed', value: 0 });
    expect(check('data-validation', 'zero-data-loss')).toMatchObject({ status: 'passed', value: 0 });
    expect(check('data-validation', 'cutover-gap-processed').message).toBe('50 source keys arrived during the cutover');
    expect(check('roll-forward', 'v2-rerun-recomputed').value as number).toBeGreaterThan(0);
    for (const id of ['consistent-outputs', 'no-skipped-records', 'no-reprocessing']) expect(check('roll-forward', id), id).toMatchObject({ status: 'passed', value: 0 });
  });

  it('fills the checklist', async () => {
    const checklist = await readFile(join(runDir, 'checklist.md'), 'utf8');
    expect(checklist).toContain('[x] No data loss: YES');
    expect(checklist).toContain('[x] Consistent outputs: YES');
  });
});
