import { afterEach, describe, expect, it } from 'vitest';
import type { Journal, StepRecord } from '../src/journal/journal-types.ts';
import { drill } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * The dry-run's harness-side faults, for a V2 with no fault switch (the orders pair): the harness freezes
 * V2, or cuts its database, and the decision criteria must detect it — with the criteria tuned for a
 * drill (a latency of seconds, an outage of seconds), since the seed's minutes do not fit a test.
 */
let current: TestRun | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

async function dryRun(change: (s: Record<string, any>) => void): Promise<{ exitCode: number | undefined; output: string; journal: Journal; step(id: string): StepRecord }> {
  current = await testRun(change, 'orders');
  const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'dry-run'], { TMPDIR: current.tmp });
  const journal = await latestJournal(current.reportDir);
  return { exitCode: result.exitCode, output: result.all ?? '', journal, step: (id) => journal.tests[0]!.steps.find((s) => s.id === id)! };
}

describe('harness-side faults of the dry-run, detected by the decision criteria', () => {
  it('a hang: V2 frozen (SIGSTOP of its process group); its run in flight never ends and the latency criterion fires', async () => {
    const d = await dryRun((s) => {
      // V2 runs on its own schedule: frozen, it never completes the run the harness waits for, whose age is the latency.
      s['failure'] = { kind: 'hang', observeTimeoutMs: 30_000 };
      s['decision'] = { ...s['decision'], criteria: { latency: { threshold: 3000, sustainMs: 2000 } } };
    });
    expect(d.exitCode, d.output).toBe(0);
    expect(d.step('inject-fault').output).toMatchObject({ fault: 'hang: V2 frozen' });
    expect(d.step('observe-failure').output).toMatchObject({ decision: 'rollback', fired: [expect.objectContaining({ id: 'latency' })] });
    // The frozen V2 is stopped by the rollback all the same (thawed, then SIGTERM).
    expect(d.step('stop-v2').status).toBe('passed');
  });

  it("a database cut: V2's sessions ended and new ones refused; the harness's own probe sees the database unavailable", async () => {
    const d = await dryRun((s) => {
      s['failure'] = { kind: 'database-cut', durationMs: 8000, observeTimeoutMs: 30_000 };
      s['decision'] = { ...s['decision'], criteria: { 'database-unavailable': { sustainMs: 2000 } } };
    });
    expect(d.exitCode, d.output).toBe(0);
    expect(d.step('inject-fault').output!['fault']).toMatch(/^database cut: \d+ session\(s\) ended, connections to drill_dry_run_\w+ refused for 8000 ms$/);
    expect(d.step('observe-failure').output).toMatchObject({ decision: 'rollback', fired: expect.arrayContaining([expect.objectContaining({ id: 'database-unavailable' })]) });
    // The cut ended (its cleanup let connections in again): the rollback and V1's validation went through.
    expect(d.step('validate-v1').status).toBe('passed');
  });

  it('an SQL fault the user names runs on the drill database; one the criteria do not watch leaves failure-detected failed', async () => {
    const d = await dryRun((s) => {
      // Every order's currency made unknown: V2 rejects what comes next, which no criterion of the seed watches.
      s['failure'] = { kind: 'sql', statements: ["update shop.orders set currency = 'XXX'"], observeTimeoutMs: 4000 };
    });
    expect(d.exitCode, d.output).toBe(1);
    expect(d.step('inject-fault').output).toMatchObject({ fault: '1 SQL statement(s) run on the drill database' });
    expect(d.journal.tests[0]!.checks.find((c) => c.id === 'failure-detected')).toMatchObject({ status: 'failed', value: false });
  });
});
