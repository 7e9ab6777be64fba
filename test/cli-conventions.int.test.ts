import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drill, repoRoot, untilOutput } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/** The CLI's conventions, through the compiled bin: --version, --json, colour, SIGTERM. */
let current: TestRun | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

describe('drill --version and --help', () => {
  it('prints the package version and exits 0', async () => {
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await drill([flag]);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.stdout).toBe(version);
    }
  });

  it('lists every command and exits 0; a bad option exits 3 naming it', async () => {
    const help = await drill(['--help']);
    expect(help.exitCode).toBe(0);
    for (const command of ['run', 'validate', 'decide', 'report', 'verify', 'sign', 'schema']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const bad = await drill(['verify', '--allowed', 'x', 'reports/latest']);
    expect(bad.exitCode).toBe(3);
    expect(bad.stderr).toContain("unknown option '--allowed'");
  });
});

describe('drill run --json', () => {
  it('prints one JSON summary on stdout and all progress, coloured under FORCE_COLOR, on stderr', async () => {
    current = await testRun();
    const result = await drill(['run', '--json', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], {
      TMPDIR: current.tmp,
      FORCE_COLOR: '1',
    });
    expect(result.exitCode, result.all).toBe(0);
    const summary = JSON.parse(result.stdout);
    const journal = await latestJournal(current.reportDir);
    expect(summary).toEqual({
      verdict: 'passed',
      exitCode: 0,
      runId: journal.runId,
      runDir: join(current.reportDir, journal.runId),
      latestDir: join(current.reportDir, 'latest'),
      journal: join(current.reportDir, journal.runId, 'journal.json'),
      checklist: join(current.reportDir, journal.runId, 'checklist.md'),
      tests: [{ id: 'rollback-time', status: 'passed', durationMs: journal.tests[0]!.durationMs, rollbackMs: journal.tests[0]!.rollbackMs, failedChecks: [] }],
    });
    expect(summary.tests[0].rollbackMs).toBeGreaterThan(0);
    // Progress went to stderr: the target notice, each step, in colour although stderr is a pipe.
    expect(result.stderr).toContain('Let V2 complete a KPI run');
    expect(result.stderr).toMatch(/\x1b\[32m✓\x1b\[39;22m \[rollback\] /);
    expect(result.stdout).not.toContain('Let V2 complete');
  });

  it('lists the failed checks of a failed run, with exit code 1', async () => {
    current = await testRun((s) => Object.assign((s['budgets'] ??= {}), { rollbackMs: 1 }));
    const result = await drill(['run', '--json', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ verdict: 'failed', exitCode: 1, tests: [{ id: 'rollback-time', status: 'failed' }] });
    expect(summary.tests[0].failedChecks).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'failed', threshold: 1, unit: 'ms' })]));
  });

  it('leaves stdout empty on a harness error (exit 3), as decide --json does, and names it on stderr', async () => {
    const run = await testRun();
    const result = await drill(['run', '--json', '--config', run.configFile, '--env', 'production']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("no environment 'production' in config (known: staging)");
  });
});

describe('drill run and SIGTERM', () => {
  it('cleans up as for SIGINT, records the run as interrupted and exits 143', async () => {
    current = await testRun();
    const child = drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], { TMPDIR: current.tmp });
    // Once V2 runs its KPI job: Postgres and V2 both need stopping.
    await untilOutput(child, 'Let V2 complete a KPI run');
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, result.all).toBe(143);
    expect(result.stderr).toContain('interrupted by SIGTERM: stopping the drill and cleaning up in reverse order');
    const journal = await latestJournal(current.reportDir);
    expect(journal.status).toBe('interrupted');
    expect(journal.tests[0]!.cleanup.map((c) => c.label)).toEqual(expect.arrayContaining(['stop V2']));
    expect(journal.tests[0]!.cleanup.filter((c) => c.status === 'error')).toEqual([]);
  });
});
