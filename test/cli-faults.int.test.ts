import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Journal, StepRecord } from '../src/journal/journal-types.ts';
import { drill, untilOutput } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * The rollback-time drill end to end through the CLI, with real faults in real processes:
 * every verdict is checked, and after every run nothing of it is left running.
 */
let current: TestRun | undefined;

afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

async function runDrill(change: Parameters<typeof testRun>[0], extraEnv: Record<string, string> = {}) {
  current = await testRun(change);
  const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], {
    TMPDIR: current.tmp,
    ...extraEnv,
  });
  const journal = await latestJournal(current.reportDir);
  return { result, journal, step: (id: string) => stepOf(journal, id) };
}

function stepOf(journal: Journal, id: string): StepRecord {
  const step = journal.tests[0]?.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id} in ${JSON.stringify(journal.tests[0]?.steps.map((s) => s.id))}`);
  return step;
}

describe('rollback-time drill faults', () => {
  it('fails with exit 1 when V1 cannot start: its command is missing', async () => {
    const { result, journal, step } = await runDrill((s) => (s['v1'].command = '/nonexistent/pipeline-v1'));
    expect(result.exitCode, result.all).toBe(1);
    expect(journal.status).toBe('failed');
    expect(step('start-v1')).toMatchObject({ status: 'failed' });
    expect(step('start-v1').error).toMatch(/V1 cannot start: \/nonexistent\/pipeline-v1 .*ENOENT/);
    expect(step('v1-healthy').status).toBe('skipped');
  });

  it('fails with exit 1 when V1 exits at once, showing its last log lines', async () => {
    const { result, step } = await runDrill((s) => (s['v1'].env = { ...s['v1'].env, ABACO_CONFIG: '/nonexistent/v1-configuration.yml' }));
    expect(result.exitCode, result.all).toBe(1);
    const failed = [step('start-v1'), step('v1-healthy')].find((s) => s.status === 'failed');
    expect(failed?.error).toMatch(/V1 (exited with code \d+|is not running)/);
    expect(failed?.error).toContain('/nonexistent/v1-configuration.yml');
  });

  it('fails when V1 never becomes healthy, naming the URL and the last status', async () => {
    const { result, step } = await runDrill((s) => Object.assign(s['v1'], { health: { kind: 'http', path: '/not-health' }, healthTimeoutMs: 5000 }));
    expect(result.exitCode, result.all).toBe(1);
    expect(step('v1-healthy').error).toMatch(/^V1 not healthy after 5000 ms \(GET http:\/\/127\.0\.0\.1:\d+\/not-health → 404\b/);
  });

  it('escalates to SIGKILL when V2 ignores SIGTERM, and records that it had to', async () => {
    const { result, journal, step } = await runDrill((s) => (s['v2'].stopGraceMs = 1000), { ABACO_V2_FAULTS: 'ignore-sigterm' });
    expect(result.exitCode, result.all).toBe(0);
    expect(step('stop-v2').output).toMatchObject({ escalatedToKill: true, graceMs: 1000, exit: { signal: 'SIGKILL' } });
    expect(step('stop-v2').durationMs).toBeGreaterThanOrEqual(990); // the grace period, give or take timer rounding
    const checklist = await readFile(join(current!.reportDir, 'latest', 'checklist.md'), 'utf8');
    expect(checklist).toContain('stop-v2: grace period ran out, had to kill');
    expect(journal.tests[0]!.status).toBe('passed');
  });

  it('stops on SIGINT mid-drill: cleanup runs, journal says interrupted, exit 130', async () => {
    current = await testRun();
    const child = drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], { TMPDIR: current.tmp });
    // Interrupt once V2 is up and running its KPI job: Postgres and V2 both need cleaning up.
    await untilOutput(child, 'Let V2 complete a KPI run');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.all).toBe(130);
    const journal = await latestJournal(current.reportDir);
    expect(journal.status).toBe('interrupted');
    expect(journal.tests[0]!.cleanup.map((c) => c.label)).toEqual(expect.arrayContaining(['stop V2']));
  });
});
