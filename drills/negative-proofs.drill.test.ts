import { afterEach, describe, expect, it } from 'vitest';
import type { Journal } from '../src/journal/journal-types.ts';
import { drill } from '../test/helpers/cli.ts';
import { bindirWithPgDump } from '../test/helpers/pg-bindir.ts';
import { latestJournal } from '../test/helpers/journal.ts';
import { processesMentioning } from '../test/helpers/leftovers.ts';
import { testRun, type TestRun } from '../test/helpers/test-config.ts';

/**
 * Each proof runs the real data-validation drill through the CLI with a real fault, and checks
 * the drill catches it — with the right exit code and a message a person can act on.
 */
let current: TestRun | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

async function dataValidation(change: Parameters<typeof testRun>[0], env: Record<string, string> | ((run: TestRun) => Promise<Record<string, string>>)) {
  current = await testRun(change);
  const extraEnv = typeof env === 'function' ? await env(current) : env;
  const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'data-validation'], { TMPDIR: current.tmp, ...extraEnv });
  const journal: Journal = await latestJournal(current.reportDir);
  const test = journal.tests[0]!;
  return { result, journal, check: (id: string) => test.checks.find((c) => c.id === id)!, step: (id: string) => test.steps.find((s) => s.id === id)! };
}

describe('negative proofs: the data-validation drill catches real faults', () => {
  it('fails (exit 1) when V2 silently drops rows with nulls, stating how many keys are missing and which', async () => {
    const { result, check } = await dataValidation(() => undefined, { ABACO_V2_FAULTS: 'drop-null-rows' });
    expect(result.exitCode, result.all).toBe(1);
    const loss = check('zero-data-loss');
    expect(loss.status).toBe('failed');
    expect(loss.value).toBeGreaterThan(0);
    expect(loss.message).toMatch(new RegExp(`^${loss.value} of \\d+ source keys neither processed nor quarantined after the rollback; sample: (loans|payments):\\d+`));
    // The same loss, seen before the rollback, is the runbook's "data loss detected" trigger.
    expect(check('v2-no-data-loss')).toMatchObject({
      status: 'failed',
      value: loss.value,
      message: expect.stringContaining('the decision criteria call for a rollback: Unexplained row loss > 0 rows'),
    });
  });

  it('fails on a 2% KPI skew, naming KPI, as-of, segment and both values', async () => {
    const { result, check } = await dataValidation(() => undefined, { ABACO_V2_FAULTS: 'kpi-skew:2' });
    expect(result.exitCode, result.all).toBe(1);
    const variance = check('kpi-variance');
    expect(variance.status).toBe('failed');
    // Every KPI of every as-of is skewed: most points are out of tolerance, the worst by 2%.
    expect(variance.value as number).toBeGreaterThan(300);
    expect(variance.message).toMatch(/worst: [a-z_0-9]+ \d{4}-\d{2}-\d{2} [a-z]+: V1 -?[\d.e+-]+ vs V2 -?[\d.e+-]+ \(1\.9\d%\)/);
  });

  it('passes on a 0.5% KPI skew (exit 0)', async () => {
    const { result, check } = await dataValidation(() => undefined, { ABACO_V2_FAULTS: 'kpi-skew:0.5' });
    expect(result.exitCode, result.all).toBe(0);
    expect(check('kpi-variance')).toMatchObject({ status: 'passed', value: 0 });
    expect(check('kpi-variance').message).toMatch(/\(0\.(4[5-9]|50)%\)$/);
  });

  it('fails "historical metrics intact" when a historical row is changed behind the pipeline’s back, naming the row', async () => {
    const { result, check } = await dataValidation((s) => (s['v1'].args = ['--import', 'tsx', 'test/fixtures/tamper-then-start.ts']), {});
    expect(result.exitCode, result.all).toBe(1);
    const history = check('history-intact');
    expect(history.status).toBe('failed');
    expect(history.message).toMatch(/^1 row\(s\): 2024-\d{2}-\d{2} all active_loans: .*"value":\d+.* → .*"value":\d+/);
  });

  it('stops before the rollback when the backup does not restore (a truncated dump)', async () => {
    const { result, journal, step, check } = await dataValidation(
      () => undefined,
      async (run) => ({ DRILL_PG_BINDIR: await truncatingPgDump(run) }),
    );
    expect(result.exitCode, result.all).toBe(1);
    expect(step('prove-backup-restores')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^the backup does not restore: pg_restore/) });
    expect(check('backup-restores')).toMatchObject({ status: 'failed', value: false });
    expect(step('stop-v2').status).toBe('skipped');
    expect(journal.tests[0]!.rollbackMs).toBeUndefined();
  });
});

/** A bindir whose pg_dump is the real one followed by truncating the dump's table of contents: a backup that will not restore. */
function truncatingPgDump(run: TestRun): Promise<string> {
  return bindirWithPgDump(run, (real) => `#!/bin/sh\n"${real}" "$@" || exit $?\nfor a in "$@"; do case "$a" in --file=*) truncate -s 4096 "\${a#--file=}/toc.dat";; esac; done\n`);
}
