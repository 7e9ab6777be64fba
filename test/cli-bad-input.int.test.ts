import { afterEach, describe, expect, it } from 'vitest';
import type { Journal } from '../src/journal/journal-types.ts';
import { drill } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * Bad input for a pipeline of another shape (the orders pair): each is exit 3 before anything starts, or
 * exit 1 at the step, with a message naming the field or the version and what was waited for — and
 * nothing is left running.
 */
let current: TestRun | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

async function run(change: (s: Record<string, any>) => void, only = 'rollback-time') {
  current = await testRun(change, 'orders');
  const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', only], { TMPDIR: current.tmp });
  const journal: Journal | undefined = result.exitCode === 3 ? undefined : await latestJournal(current.reportDir);
  const step = (id: string) => journal!.tests[0]!.steps.find((s) => s.id === id)!;
  return { result, step };
}

describe('bad input, before anything starts (exit 3, naming the field)', () => {
  it('an unknown run protocol', async () => {
    const { result } = await run((s) => (s['v1'].run = { kind: 'grpc', method: 'Rollup' }));
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain("environments.staging.v1.run.kind: unknown run protocol: use 'http-async', 'http-sync', 'command', 'watermark' or 'none'");
  });

  it('an unknown health kind', async () => {
    const { result } = await run((s) => (s['v2'].health = { kind: 'ping' }));
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain("environments.staging.v2.health.kind: unknown health kind: use 'http', 'command', 'tcp' or 'systemd'");
  });

  it('a check a selected test needs, neither configured nor waived', async () => {
    const { result } = await run((s) => delete s['failure'], 'dry-run');
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain("test dry-run needs check 'failure-detected', which needs failure: configure it, or waive it with a reason");
  });
});

describe('bad input at the step (exit 1, naming the version and what was waited for)', () => {
  it('a run command that does not exist', async () => {
    const { result, step } = await run((s) => (s['v1'].run = { kind: 'command', command: '/opt/abaco/test-kpi.py', args: [] }));
    expect(result.exitCode, result.all).toBe(1);
    expect(step('validate-v1')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^V1: run command \/opt\/abaco\/test-kpi\.py cannot be started: .*ENOENT/) });
  });

  it('a watermark query that errors', async () => {
    const { result, step } = await run((s) => (s['v2'].run = { kind: 'watermark', query: 'select max(finished) from etl.runs' }));
    // V2's first run is the test's precondition: nothing was rolled back, the test is inconclusive (exit 2).
    expect(result.exitCode, result.all).toBe(2);
    expect(step('v2-run').error).toMatch(/^V2: the watermark query failed \(select max\(finished\) from etl\.runs\): column "finished" does not exist/);
  });

  it('a watermark that never advances', async () => {
    const { result, step } = await run((s) => {
      s['v1'].env = { ...s['v1'].env, ROLLUP_EVERY_MS: '0' };
      s['v1'].run = { kind: 'watermark', query: 'select max(finished_at) from etl.runs where started_at >= {{runStartedAt}}', timeoutMs: 3000 };
    });
    expect(result.exitCode, result.all).toBe(1);
    expect(step('validate-v1').error).toBe(
      'V1: the watermark did not advance after 3000 ms (select max(finished_at) from etl.runs where started_at >= {{runStartedAt}} → null, was null)',
    );
  });

  it('a health predicate that never matches', async () => {
    const { result, step } = await run((s) => Object.assign(s['v1'], { health: { kind: 'command', command: 'node', args: ['-e', 'process.exit(3)'] }, healthTimeoutMs: 3000 }));
    expect(result.exitCode, result.all).toBe(1);
    expect(step('v1-healthy').error).toBe('V1 not healthy after 3000 ms (node -e process.exit(3) → exit 3)');
  });
});
