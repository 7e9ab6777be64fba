import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { Journal } from '../src/journal/journal-types.ts';
import { drill, untilOutput } from './helpers/cli.ts';
import { bindirWithPgDump } from './helpers/pg-bindir.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * Faults of the harness's own world, each a real drill through the CLI with a real fault: the verdict
 * and exit code are right, the message names the thing, and nothing is left running.
 */
let current: TestRun | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

const steps = (journal: Journal) => journal.tests[0]!.steps;
const step = (journal: Journal, id: string) => steps(journal).find((s) => s.id === id)!;

describe('fault matrix', () => {
  it('backup fails: the rollback never starts, exit 1 with pg_dump’s own message, V2 left running until cleanup', async () => {
    current = await testRun();
    const bindir = await failingPgDump(current);
    const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'data-validation'], {
      TMPDIR: current.tmp,
      DRILL_PG_BINDIR: bindir,
    });
    expect(result.exitCode, result.all).toBe(1);
    const journal = await latestJournal(current.reportDir);
    expect(step(journal, 'backup-database')).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('pg_dump: error: could not write to output file: No space left on device'),
    });
    expect(step(journal, 'stop-v2').status).toBe('skipped');
    expect(journal.tests[0]!.incident).toBeUndefined(); // nothing was rolled back: no emergency path
    expect(journal.tests[0]!.cleanup.map((c) => c.label)).toEqual(expect.arrayContaining(['stop V2']));
  });

  it('PostgreSQL stops mid-drill (killed as V1 starts): exit 1, the failure names the database, the emergency path says it could not recover', async () => {
    current = await testRun((staging) => {
      staging['v1'].healthTimeoutMs = 5000; // V1 keeps answering 503 without its database: no need to wait 30 s
    });
    const run = current;
    const child = drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'data-validation'], { TMPDIR: run.tmp });
    await untilOutput(child, 'Start V1 and verify it is running');
    const postgres = (await processesMentioning(run.tmp)).filter((line) => / -D /.test(line) && /postgres/.test(line));
    expect(postgres.length).toBeGreaterThan(0);
    for (const line of postgres) process.kill(Number(line.split(':')[0]), 'SIGKILL');
    const result = await child;
    expect(result.exitCode, result.all).toBe(1);
    const journal = await latestJournal(run.reportDir);
    const test = journal.tests[0]!;
    expect(test.status).toBe('failed');
    const failed = test.steps.find((s) => s.status === 'failed' && s.phase !== 'emergency')!;
    expect(failed.error).toMatch(/"db":\{"reachable":false|ECONNREFUSED|terminat/);
    expect(test.incident?.recovered).toBe(false);
    expect(test.steps.find((s) => s.id === 'emergency-read-only')?.status).toBe('failed');
  });

  it('V1’s output folder is not writable: V1 fails at start naming the folder, the emergency path restores the backup', async () => {
    current = await testRun((staging) => {
      staging['v1'].env = { ...staging['v1'].env, OUTPUT_DIR: '/dev/null/outputs' };
    });
    const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'data-validation'], { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(1);
    const journal = await latestJournal(current.reportDir);
    expect(step(journal, 'v1-healthy')).toMatchObject({ status: 'failed', error: expect.stringContaining("ENOTDIR: not a directory, mkdir '/dev/null/outputs'") });
    expect(journal.tests[0]!.incident).toMatchObject({ trigger: { id: 'v1-healthy' }, recovered: true });
  });

  it('a corrupted parquet file among V1’s outputs: validate-v1 fails naming the file, the emergency path restores the backup', async () => {
    // Written during the cutover with a later modification time, so it counts among the files V1's run wrote.
    const corrupt = [
      "const fs = require('fs'); const path = require('path');",
      "const file = path.join(process.env.OUT, 'metrics', '2024-12-31', 'v1-corrupt.parquet');",
      'fs.mkdirSync(path.dirname(file), { recursive: true });',
      "fs.writeFileSync(file, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]));",
      'const later = new Date(Date.now() + 3600e3); fs.utimesSync(file, later, later);',
    ].join(' ');
    current = await testRun((staging) => {
      staging['cutover'] = { command: process.execPath, args: ['-e', corrupt], env: { OUT: '{{outputDir}}' } };
    });
    const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'data-validation'], { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(1);
    const journal = await latestJournal(current.reportDir);
    expect(step(journal, 'validate-v1')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^output file \/\S+\/data-validation\/outputs\/metrics\/2024-12-31\/v1-corrupt\.parquet is not readable parquet: /),
    });
    expect(journal.tests[0]!.incident).toMatchObject({ trigger: { id: 'validate-v1' }, recovered: true });
    expect(result.all).toContain('v1-corrupt.parquet is not readable parquet');
  });

  it('V2 killed with SIGKILL in the middle of a write: the rollback goes on, and the data checks prove nothing was half-written or lost', async () => {
    current = await testRun((staging) => {
      // Every batch holds its transaction open for 1.5 s before committing: a kill lands mid-write.
      staging['failure'].env = { ABACO_V2_FAULTS: 'latency:1500' };
      // One crash is enough here: the decision criteria start the rollback after the first restart.
      staging['decision'] = { ...staging['decision'], criteria: { 'crash-loop': { threshold: 1 } } };
    });
    const run = current;
    const child = drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'dry-run'], { TMPDIR: run.tmp });
    await untilOutput(child, 'evaluate the rollback decision criteria');
    const v2 = await waitForV2Write(run);
    process.kill(v2, 'SIGKILL');
    const result = await child;
    expect(result.exitCode, result.all).toBe(0);
    const journal = await latestJournal(run.reportDir);
    const test = journal.tests[0]!;
    const observe = test.steps.find((s) => s.id === 'observe-failure')!;
    expect(observe.output).toMatchObject({ decision: 'rollback', fired: expect.arrayContaining([expect.objectContaining({ id: 'crash-loop' })]) });
    expect(observe.output?.['restartsByHarness']).toBeGreaterThanOrEqual(1);
    // Atomic batches: no key both processed and quarantined or unknown, none missing after V1's run.
    for (const id of ['zero-data-loss', 'records-accounted-once'])
      expect(
        test.checks.find((c) => c.id === id),
        id,
      ).toMatchObject({ status: 'passed', value: 0 });
  });
});

describe.runIf(process.getuid?.() === 0)('fault matrix: disk full (a 1 MiB tmpfs as the report folder; mounting needs root, as in CI)', () => {
  let mountPoint: string | undefined;
  afterEach(async () => {
    if (mountPoint) await execa('umount', [mountPoint], { reject: false });
    mountPoint = undefined;
  });

  it('the backup cannot be written: exit 1 naming ENOSPC, the journal and report still written and sealed', async () => {
    current = await testRun();
    mountPoint = join(current.dir, 'small');
    await mkdir(mountPoint);
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
    const reportDir = join(mountPoint, 'reports');
    const result = await drill(['run', '--config', current.configFile, '--report-dir', reportDir, '--only', 'data-validation'], { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(1);
    const journal = await latestJournal(reportDir);
    expect(step(journal, 'backup-database')).toMatchObject({ status: 'failed', error: expect.stringContaining('No space left on device') });
    expect(step(journal, 'stop-v2').status).toBe('skipped');
    const verify = await drill(['verify', join(reportDir, journal.runId)]);
    expect(verify.exitCode, verify.all).toBe(0);
  });

  it('the report folder fills up mid-rollback, after the backup: V1 fails, the emergency path and cleanup run, exit 3 saying how the run ended and which file could not be written', async () => {
    // The cutover gap (while V2 is down) fills the folder to its last byte.
    const filler = (dir: string) =>
      [
        "const fs = require('fs');",
        `const fd = fs.openSync(${JSON.stringify(join(dir, 'filler'))}, 'w');`,
        'for (const size of [65536, 512, 1]) { const block = Buffer.alloc(size, 1);',
        "  try { for (;;) fs.writeSync(fd, block); } catch (error) { if (error.code !== 'ENOSPC') throw error; } }",
      ].join(' ');
    mountPoint = await mkdtemp(join(tmpdir(), 'drill-fills-'));
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]);
    current = await testRun((staging) => {
      staging['cutover'] = { command: process.execPath, args: ['-e', filler(mountPoint!)] };
    });
    const reportDir = join(mountPoint, 'reports');
    const result = await drill(['run', '--config', current.configFile, '--report-dir', reportDir, '--only', 'data-validation'], { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(3);
    const [runId] = (await readdir(reportDir)).filter((name) => /^\d{4}-/.test(name));
    const runDir = join(reportDir, runId!);
    // Before: the backup was written and proven. After: V1 cannot write its outputs, the emergency path runs.
    expect(result.all).toMatch(/✓ \[pre-rollback\] Prove the backup restores/);
    expect(result.all).toMatch(/✗ \[rollback\] Validate V1: .*\n.*ENOSPC: no space left on device/);
    expect(result.all).toContain('✓ [emergency] Emergency: halt all pipeline execution (V1 and V2)');
    // Every failed write names its file, and the last line says how the run ended.
    expect(result.all).toContain(`cleanup "close V1 log" failed: cannot write ${join(runDir, 'data-validation', 'v1.log')}: ENOSPC: no space left on device`);
    expect(result.stderr).toContain(
      `drill: the run ended failed (data-validation failed), but its results could not be written to ${runDir}: cannot write ${join(runDir, 'journal.json')}: ENOSPC: no space left on device`,
    );
    expect(result.stderr).toContain('free space there, or pass another --report-dir, and run again');
    expect(result.all).not.toContain('Unhandled');
    // The lock is released; V1, V2, Postgres and Azurite are gone (afterEach).
    expect(await readdir(reportDir)).toEqual([runId]);
  });

  it('the report folder is already full: refused before anything starts, exit 3 naming the lock file and ENOSPC, no lock left', async () => {
    current = await testRun();
    mountPoint = join(current.dir, 'full');
    await mkdir(mountPoint);
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
    // Fill it to the last block: dd stops at ENOSPC.
    await execa('dd', ['if=/dev/zero', `of=${join(mountPoint, 'filler')}`, 'bs=4k'], { reject: false });
    const reportDir = join(mountPoint, 'reports');
    const result = await drill(['run', '--config', current.configFile, '--report-dir', reportDir, '--only', 'rollback-time'], { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.stderr).toContain(`cannot write the environment lock ${join(reportDir, 'staging.lock')}: ENOSPC: no space left on device`);
    expect(result.stderr).toContain('--report-dir');
    expect(await readdir(reportDir)).toEqual([]);
  });
});

/** V2's pid once the faulty V2 has committed its first batch: the next one is then inside its 1.5 s transaction. */
async function waitForV2Write(run: TestRun): Promise<number> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const runDir = (await readdir(run.reportDir)).find((d) => /^\d{4}-/.test(d));
    const log = runDir ? await readFile(join(run.reportDir, runDir, 'dry-run', 'v2.log'), 'utf8').catch(() => '') : '';
    const faulty = log.slice(log.lastIndexOf('"faults":"latency:1500"'));
    const v2 = (await processesMentioning(run.marker)).find((line) => line.includes('pipeline-v2'));
    if (v2 && log.includes('"faults":"latency:1500"') && faulty.includes('"msg":"batch committed"')) return Number(v2.split(':')[0]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the faulty V2 never committed a batch');
}

/** A bindir whose pg_dump answers --version like the real one and fails every dump, as on a full disk. */
function failingPgDump(run: TestRun): Promise<string> {
  return bindirWithPgDump(
    run,
    (real) => `#!/bin/sh\ncase "$1" in --version|-V) exec "${real}" "$@";; esac\necho 'pg_dump: error: could not write to output file: No space left on device' >&2\nexit 1\n`,
  );
}
