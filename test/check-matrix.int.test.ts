import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckRecord, Journal, TestRecord } from '../src/journal/journal-types.ts';
import { drill } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { bindirWithPgDump } from './helpers/pg-bindir.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * The check-mutation matrix: for every check id a drill can emit, a real drill (real processes, real
 * PostgreSQL) in which a named fault makes that check fail, for its own stated reason. Small data and
 * `--only` the test that emits the check keep each drill to seconds. src/checks/catalog.ts names, for
 * each check, the test here that proves it can fail; catalog.test.ts fails when one is missing.
 */
let current: TestRun | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

type Change = (staging: Record<string, any>) => void;
interface Drilled {
  exitCode: number | undefined;
  output: string;
  test: TestRecord;
  check(id: string): CheckRecord;
  failed: string[];
}

/** One drill of one test through the CLI, on small data of the chosen pair, with the fault applied. */
async function drillWith(
  pair: 'abaco' | 'orders',
  only: string,
  change: Change,
  env: Record<string, string> | ((run: TestRun) => Promise<Record<string, string>>) = {},
): Promise<Drilled> {
  current = await testRun((staging) => {
    if (pair === 'abaco') small(staging);
    change(staging);
  }, pair);
  const extra = typeof env === 'function' ? await env(current) : env;
  const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', only], { TMPDIR: current.tmp, ...extra });
  const journal: Journal = await latestJournal(current.reportDir);
  const test = journal.tests[0]!;
  return {
    exitCode: result.exitCode,
    output: result.all ?? '',
    test,
    check: (id) => test.checks.find((c) => c.id === id) ?? fail(`no check ${id} in ${test.checks.map((c) => c.id).join(', ')}`),
    failed: test.checks.filter((c) => c.status === 'failed').map((c) => c.id),
  };
}

/** The reference pipeline on 2 000 loans instead of 20 000: the same shapes, a tenth of the time. */
function small(staging: Record<string, any>): void {
  for (const command of [...staging['setup']]) command.args = command.args.map((a: string, i: number, all: string[]) => (all[i - 1] === '--loans' ? '2000' : a));
  if (staging['failure']?.setup)
    for (const command of staging['failure'].setup) command.args = command.args.map((a: string, i: number, all: string[]) => (all[i - 1] === '--append' ? '600' : a));
}

function fail(message: string): never {
  throw new Error(message);
}

describe('check-mutation matrix: each check shown failing by a named fault', () => {
  it('failure-detected fails when the simulated failure is not one the criteria can see', async () => {
    const d = await drillWith('orders', 'dry-run', (s) => (s['failure'] = { kind: 'sql', statements: ['select 1'], observeTimeoutMs: 3000 }));
    expect(d.exitCode, d.output).toBe(1);
    expect(d.check('failure-detected')).toMatchObject({
      status: 'failed',
      value: false,
      message: expect.stringMatching(/^the decision criteria did not call for a rollback: the injected fault was not detected after 3000 ms/),
    });
  });

  it('rollback-within-budget and step-budget:stop-v2 fail when V2 ignores SIGTERM past the budget', async () => {
    const d = await drillWith(
      'abaco',
      'rollback-time',
      (s) => {
        s['v2'].stopGraceMs = 3000;
        s['budgets'] = { rollbackMs: 2000, steps: { 'stop-v2': 2000 } };
      },
      { ABACO_V2_FAULTS: 'ignore-sigterm' },
    );
    expect(d.exitCode, d.output).toBe(1);
    expect(d.failed).toEqual(expect.arrayContaining(['rollback-within-budget', 'step-budget:stop-v2']));
    expect(d.check('step-budget:stop-v2').value as number).toBeGreaterThanOrEqual(2900);
    expect(d.check('rollback-within-budget').value as number).toBeGreaterThan(2000);
  });

  it('pre-rollback-within-budget fails when the backup is slower than the budget', async () => {
    const d = await drillWith(
      'orders',
      'data-validation',
      (s) => (s['budgets'] = { preRollbackMs: 2000 }),
      async (run) => ({
        DRILL_PG_BINDIR: await bindirWithPgDump(run, (real) => `#!/bin/sh\nsleep 3\nexec "${real}" "$@"\n`),
      }),
    );
    expect(d.exitCode, d.output).toBe(1);
    expect(d.failed).toEqual(['pre-rollback-within-budget']);
    expect(d.check('pre-rollback-within-budget').value as number).toBeGreaterThan(3000);
  });

  it('schema-unchanged fails when a constraint is dropped during the roll-forward', async () => {
    const d = await drillWith('orders', 'roll-forward', (s) => {
      // The records that arrive while V1 is in charge come with a schema change nobody asked for.
      s['cutover'] = { ...s['cutover'], command: 'node', args: ['test/fixtures/arrive-and-alter.mjs', ...s['cutover'].args.slice(1)] };
    });
    expect(d.exitCode, d.output).toBe(1);
    expect(d.failed).toContain('schema-unchanged');
    expect(d.check('schema-unchanged').message).toMatch(/^compare roll-forward\/schema-before\.json with roll-forward\/schemaAfter\.json$/);
  });

  it('cutover-gap-processed fails with orders V1 drop-one', async () => {
    // V1 silently skips one order of its first run: one of the orders that arrived while V2 was down.
    const d = await drillWith('orders', 'data-validation', () => undefined, { ORDERS_V1_MUTATION: 'drop-one' });
    expect(d.exitCode, d.output).toBe(1);
    expect(d.failed).toEqual(expect.arrayContaining(['cutover-gap-processed', 'zero-data-loss']));
    expect(d.check('cutover-gap-processed')).toMatchObject({ value: 1 });
  });

  describe('the restored V1, verified after the rollback (abaco dry-run, its failure a harness crash loop)', () => {
    const dryRun = (faults: string) => drillWith('abaco', 'dry-run', (s) => (s['failure'] = { kind: 'crash-loop', observeTimeoutMs: 60_000 }), { ABACO_V1_FAULTS: faults });

    it('v1-phases-executed, v1-no-error-logs, v1-outputs-published and metrics-restored fail with abaco V1 phase-failed:kpis, error-log, no-publish, delete-latest-kpi-after-run', async () => {
      const d = await dryRun('phase-failed:kpis,error-log,no-publish,delete-latest-kpi-after-run');
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toEqual(expect.arrayContaining(['v1-phases-executed', 'v1-no-error-logs', 'v1-outputs-published', 'metrics-restored', 'v1-operational']));
      expect(d.check('v1-phases-executed').message).toBe('kpis: failed');
      expect(d.check('v1-no-error-logs').message).toContain('injected error line right after startup');
      expect(d.check('v1-outputs-published').message).toMatch(/^metrics\/\d{4}-\d{2}-\d{2}\/v1-\S+\.parquet \(not in container drill-dry-run-[0-9a-f]+\)/);
      expect(d.check('metrics-restored').message).toMatch(/^1 point\(s\) of a recomputed period gone: active_loans \d{4}-\d{2}-\d{2} all$/);
      expect(d.test.incident?.trigger.id).toBe('v1-operational');
    });

    it('v1-kpis-produced and v1-outputs-written fail with abaco V1 no-kpi-rows, no-outputs', async () => {
      const d = await dryRun('no-kpi-rows,no-outputs');
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toEqual(expect.arrayContaining(['v1-kpis-produced', 'v1-outputs-written']));
      expect(d.check('v1-kpis-produced')).toMatchObject({ value: 0 });
      expect(d.check('v1-outputs-written')).toMatchObject({ value: 0 });
      expect(d.test.steps.find((s) => s.id === 'validate-v1')!.error).toMatch(/^V1's run wrote no KPI rows .*; V1's run wrote no \.parquet files under/);
    });

    it('v1-health-ok and v1-operational fail with abaco V1 unhealthy-after-run', async () => {
      const d = await dryRun('unhealthy-after-run');
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toEqual(expect.arrayContaining(['v1-health-ok', 'v1-operational']));
      expect(d.check('v1-health-ok').message).toMatch(/^503 .*fault unhealthy-after-run/);
      expect(d.check('v1-operational').message).toContain('failed: v1-health-ok');
    });

    it('v1-db-connectivity fails with abaco V1 db-lost-after-run', async () => {
      const d = await dryRun('db-lost-after-run');
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toContain('v1-db-connectivity');
      expect(d.check('v1-db-connectivity').message).toBe("V1's health answer: db.reachable = false");
    });
  });

  it('no-missing-data-points fails with abaco V2 omit-kpi:par30', async () => {
    const d = await drillWith('abaco', 'data-validation', () => undefined, { ABACO_V2_FAULTS: 'omit-kpi:par30' });
    expect(d.exitCode, d.output).toBe(1);
    expect(d.failed).toContain('no-missing-data-points');
    expect(d.check('no-missing-data-points').message).toMatch(/^par30 \d{4}-\d{2}-\d{2} \w+: in V1, missing in V2 \(and \d+ more\)$/);
  });

  it('v2-redeployed fails with abaco V2 refuse-after-v1', async () => {
    const d = await drillWith('abaco', 'roll-forward', () => undefined, { ABACO_V2_FAULTS: 'refuse-after-v1' });
    expect(d.exitCode, d.output).toBe(1);
    expect(d.failed).toContain('v2-redeployed');
    expect(d.check('v2-redeployed').message).toMatch(/V2 exited with code 3 before it was healthy/);
  });

  describe('V2 picking up from V1 (orders roll-forward; each mutation acts only on a database V1 has processed)', () => {
    const forward = (mutation: string) => drillWith('orders', 'roll-forward', () => undefined, { ORDERS_MUTATION: mutation });

    it('v2-rerun-recomputed and no-skipped-records fail with orders V2 skip-backlog', async () => {
      const d = await forward('skip-backlog');
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toEqual(expect.arrayContaining(['v2-rerun-recomputed', 'no-skipped-records']));
      expect(d.check('v2-rerun-recomputed')).toMatchObject({ value: 0 });
      expect(d.check('no-skipped-records').value as number).toBeGreaterThan(0);
      expect(d.check('no-skipped-records').message).toMatch(/source keys neither processed nor quarantined after V2 picked up again; sample: \d+/);
    });

    it('consistent-outputs and no-reprocessing fail with orders V2 reprocess-all', async () => {
      const d = await forward('reprocess-all');
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toEqual(expect.arrayContaining(['consistent-outputs', 'no-reprocessing']));
      expect(d.check('consistent-outputs').message).toMatch(/^\d+ KPI points compared, [1-9]\d* out of tolerance/);
    });

    it('forward-no-missing-points fails with orders V2 delete-day-on-start', async () => {
      const d = await forward('delete-day-on-start');
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toContain('forward-no-missing-points');
      expect(d.check('forward-no-missing-points').message).toMatch(/^\w+ \d{4}-\d{2}-\d{2} \w+: in V2 from scratch, missing in V2 re-run \(and 19 more\)$/);
    });
  });

  describe('zero data loss at its three points, by key and value (the issue’s acceptance on the reference pipeline)', () => {
    it('v2-no-data-loss, zero-data-loss and same-records-v1-v2 fail with abaco V2 drop-one, naming the key', async () => {
      const d = await drillWith('abaco', 'data-validation', () => undefined, { ABACO_V2_FAULTS: 'drop-one' });
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toEqual(expect.arrayContaining(['v2-no-data-loss', 'zero-data-loss', 'same-records-v1-v2']));
      // The same count feeds the decision criteria: the runbook's "data loss detected" trigger fires on it.
      expect(d.check('v2-no-data-loss').message).toMatch(
        /^V2 lost 1 record\(s\) before the rollback; sample: payments:\d+; the decision criteria call for a rollback: Unexplained row loss > 0/,
      );
      const key = /payments:\d+/.exec(d.check('v2-no-data-loss').message!)![0];
      expect(d.check('zero-data-loss').message).toContain(key);
      expect(d.check('same-records-v1-v2').message).toContain(`1 processed by V1 only (${key})`);
      expect(await readFile(join(current!.reportDir, 'latest', 'checklist.md'), 'utf8')).toContain('[ ] No data loss: NO');
    });

    it('a V2 that drops one row of the latest period fails the same checks, naming that key', async () => {
      const d = await drillWith('abaco', 'data-validation', () => undefined, { ABACO_V2_FAULTS: 'drop-one:latest' });
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toEqual(expect.arrayContaining(['v2-no-data-loss', 'zero-data-loss']));
      expect(d.check('v2-no-data-loss')).toMatchObject({ value: 1, message: expect.stringMatching(/sample: payments:\d+; the decision criteria call for a rollback/) });
    });

    it('record-values-match fails with abaco V2 wrong-value, naming the key and both values', async () => {
      const d = await drillWith('abaco', 'data-validation', () => undefined, { ABACO_V2_FAULTS: 'wrong-value' });
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toEqual(expect.arrayContaining(['record-values-match', 'same-records-v1-v2']));
      expect(d.failed).not.toContain('zero-data-loss');
      expect(d.check('record-values-match').message).toMatch(
        /^1 key\(s\) with another value: payments:\d+: source amount=([\d.]+) dated=[\d-]+ → processed amount=([\d.]+) dated=[\d-]+$/,
      );
    });

    it('records-accounted-once fails with orders V2 duplicate, naming the order', async () => {
      const d = await drillWith('orders', 'data-validation', () => undefined, { ORDERS_MUTATION: 'duplicate' });
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toContain('records-accounted-once');
      expect(d.check('records-accounted-once').message).toMatch(/^1 processed twice; e\.g\. \d+$/);
    });

    it('same-records-v1-v2 fails with orders V2 reject-valid, naming the order', async () => {
      const d = await drillWith('orders', 'data-validation', () => undefined, { ORDERS_MUTATION: 'reject-valid' });
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toContain('same-records-v1-v2');
      expect(d.check('same-records-v1-v2').message).toMatch(/1 processed by V1 only \(\d+\); 1 quarantined by V2 only \(\d+\)/);
    });

    it('no-reprocessing fails with abaco V2 reprocess-after-v1, naming the keys', async () => {
      const d = await drillWith('abaco', 'roll-forward', () => undefined, { ABACO_V2_FAULTS: 'reprocess-after-v1' });
      expect(d.exitCode, d.output).toBe(1);
      expect(d.failed).toContain('no-reprocessing');
      expect(d.check('no-reprocessing').message).toMatch(/^0 processed twice, [1-9]\d* processed and quarantined; e\.g\. (loans|payments):\d+/);
    });
  });
});
