import { afterEach, describe, expect, it } from 'vitest';
import type { CheckRecord, Journal, TestRecord } from '../src/drill/journal-types.ts';
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
async function drillWith(pair: 'abaco' | 'orders', only: string, change: Change, env: Record<string, string> | ((run: TestRun) => Promise<Record<string, string>>) = {}): Promise<Drilled> {
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
  if (staging['failure']?.setup) for (const command of staging['failure'].setup) command.args = command.args.map((a: string, i: number, all: string[]) => (all[i - 1] === '--append' ? '600' : a));
}

function fail(message: string): never {
  throw new Error(message);
}

describe('check-mutation matrix: each check shown failing by a named fault', () => {
  it('failure-detected fails when the simulated failure is not one the criteria can see', async () => {
    const d = await drillWith('orders', 'dry-run', (s) => (s['failure'] = { kind: 'sql', statements: ['select 1'], observeTimeoutMs: 3000 }));
    expect(d.exitCode, d.output).toBe(1);
    expect(d.check('failure-detected')).toMatchObject({ status: 'failed', value: false, message: expect.stringMatching(/^the decision criteria did not call for a rollback: the injected fault was not detected after 3000 ms/) });
  });

  it('rollback-within-budget and step-budget:stop-v2 fail when V2 ignores SIGTERM past the budget', async () => {
    const d = await drillWith('abaco', 'rollback-time', (s) => {
      s['v2'].stopGraceMs = 3000;
      s['budgets'] = { rollbackMs: 2000, steps: { 'stop-v2': 2000 } };
    }, { ABACO_V2_FAULTS: 'ignore-sigterm' });
    expect(d.exitCode, d.output).toBe(1);
    expect(d.failed).toEqual(expect.arrayContaining(['rollback-within-budget', 'step-budget:stop-v2']));
    expect(d.check('step-budget:stop-v2').value as number).toBeGreaterThanOrEqual(2900);
    expect(d.check('rollback-within-budget').value as number).toBeGreaterThan(2000);
  });

  it('pre-rollback-within-budget fails when the backup is slower than the budget', async () => {
    const d = await drillWith('orders', 'data-validation', (s) => (s['budgets'] = { preRollbackMs: 2000 }), async (run) => ({
      DRILL_PG_BINDIR: await bindirWithPgDump(run, (real) => `#!/bin/sh\nsleep 3\nexec "${real}" "$@"\n`),
    }));
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
    const d = await drillWith('orders', 'data-validation', (s) => (s['v1'].passEnv = ['ORDERS_MUTATION']), { ORDERS_MUTATION: 'drop-one' });
    expect(d.exitCode, d.output).toBe(1);
    expect(d.failed).toEqual(expect.arrayContaining(['cutover-gap-processed', 'zero-data-loss']));
    expect(d.check('cutover-gap-processed')).toMatchObject({ value: 1 });
  });
});
