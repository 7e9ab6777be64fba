import { afterEach, describe, expect, it } from 'vitest';
import type { Journal, StepRecord } from '../src/journal/journal-types.ts';
import { drill } from './helpers/cli.ts';
import { dockerTestsRun } from './helpers/docker.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { runLeftovers } from './helpers/swarm.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * The dry-run's harness-side faults: the harness freezes V2, or cuts its database, and the decision
 * criteria must detect it — with the criteria tuned for a drill (a latency of seconds, an outage of
 * seconds), since the seed's minutes do not fit a test. On local processes for a V2 with no fault switch
 * (the orders pair), on containers (docker, with the reference pair's images: the freeze is `docker pause`,
 * V2's sessions come over the run's network to a Postgres container), on a one-node swarm (every task's
 * container paused; the restart policy must not take a frozen task for a dead one) and on the systemd
 * test host (the orders pair's units: `systemctl freeze`, or SIGSTOP to the unit where cgroup v1 has no
 * freezer, as on these machines).
 */
let current: TestRun | undefined;
let currentRunId: string | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  // Containers, services, networks (docker, swarm, the systemd test host) carry the run's label.
  if (currentRunId && dockerTestsRun) expect(await runLeftovers(currentRunId)).toEqual([]);
  current = undefined;
  currentRunId = undefined;
});

interface Where {
  target: 'process' | 'docker' | 'swarm' | 'ssh-systemd';
  pair: 'abaco' | 'orders';
  freeze: string;
  /** The target's config beyond its kind. */
  config?: Record<string, unknown>;
}
const targets: Where[] = [
  { target: 'process', pair: 'orders', freeze: 'SIGSTOP of its process group' },
  ...(dockerTestsRun
    ? ([
        { target: 'docker', pair: 'abaco', freeze: 'docker pause' },
        { target: 'swarm', pair: 'abaco', freeze: "docker pause of its tasks' containers", config: { convergeTimeoutMs: 30_000 } },
        // The orders pair's units on the test host, as fixtures/orders/drill.config.ts's staging-systemd has them.
        {
          target: 'ssh-systemd',
          pair: 'orders',
          freeze: 'systemctl freeze, or SIGSTOP to the unit',
          config: { v1: { unit: 'orders-v1', port: 9091 }, v2: { unit: 'orders-v2', port: 9092 } },
        },
      ] as const satisfies readonly Where[])
    : []),
];

async function dryRun(
  change: (s: Record<string, any>) => void,
  where: Where = targets[0]!,
): Promise<{ exitCode: number | undefined; output: string; journal: Journal; step(id: string): StepRecord }> {
  current = await testRun((s) => {
    s['target'] = { kind: where.target, ...where.config };
    change(s);
  }, where.pair);
  const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'dry-run'], { TMPDIR: current.tmp });
  const journal = await latestJournal(current.reportDir);
  currentRunId = journal.runId;
  expect(journal.target).toBe(where.target);
  return { exitCode: result.exitCode, output: result.all ?? '', journal, step: (id) => journal.tests[0]!.steps.find((s) => s.id === id)! };
}

describe.each(targets)('harness-side faults of the dry-run, detected by the decision criteria (target $target)', (where) => {
  it(`a hang: V2 frozen (${where.freeze}); its run in flight never ends and the latency criterion fires`, async () => {
    const d = await dryRun((s) => {
      // Frozen, V2 never completes the run the harness waits for (or that its own schedule started), whose age is the latency.
      s['failure'] = { kind: 'hang', observeTimeoutMs: 30_000 };
      s['decision'] = { ...s['decision'], criteria: { latency: { threshold: 3000, sustainMs: 2000 } } };
    }, where);
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
    }, where);
    expect(d.exitCode, d.output).toBe(0);
    expect(d.step('inject-fault').output!['fault']).toMatch(/^database cut: [1-9]\d* session\(s\) ended, connections to drill_dry_run_\w+ refused for 8000 ms$/);
    expect(d.step('observe-failure').output).toMatchObject({ decision: 'rollback', fired: expect.arrayContaining([expect.objectContaining({ id: 'database-unavailable' })]) });
    // The cut ended (its cleanup let connections in again): the rollback and V1's validation went through.
    expect(d.step('validate-v1').status).toBe('passed');
  });
});

describe('a fault the user names', () => {
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
