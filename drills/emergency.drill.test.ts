import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Journal, TestRecord } from '../src/journal/journal-types.ts';
import { drill } from '../test/helpers/cli.ts';
import { latestJournal } from '../test/helpers/journal.ts';
import { processesMentioning } from '../test/helpers/leftovers.ts';
import { testRun, type TestRun } from '../test/helpers/test-config.ts';

/**
 * The runbook's "Rollback Rollback", end to end on real Postgres: V1 cannot start (its configuration
 * does not load), so after the failed rollback the harness halts the pipelines, makes the database
 * read-only, exports it, restores the pre-rollback backup in place and proves it by fingerprints.
 */
describe('emergency path: V1 fails to come up during the data-validation drill', () => {
  let run: TestRun;
  let exitCode: number | undefined;
  let output: string;
  let journal: Journal;
  let test: TestRecord;

  beforeAll(async () => {
    run = await testRun((staging) => {
      staging['v1'].args = ['-e', "console.error('V1: cannot load configuration'); process.exit(2)"];
    });
    const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'data-validation'], { TMPDIR: run.tmp });
    exitCode = result.exitCode;
    output = result.all;
    journal = await latestJournal(run.reportDir);
    test = journal.tests[0]!;
  });
  afterAll(async () => {
    expect(await processesMentioning(run.marker, run.tmp)).toEqual([]);
  });

  it('fails the run (exit 1), naming what triggered the emergency path', () => {
    expect(exitCode, output).toBe(1);
    expect(test.status).toBe('failed');
    expect(test.incident?.trigger).toEqual({ id: 'v1-healthy', error: expect.stringMatching(/^V1 exited with code 2 before it was healthy/) });
  });

  it('runs every emergency step, in the runbook order, and records the incident timeline', () => {
    const emergency = test.steps.filter((s) => s.phase === 'emergency');
    expect(emergency.map((s) => [s.id, s.status])).toEqual([
      ['emergency-halt-pipelines', 'passed'],
      ['emergency-read-only', 'passed'],
      ['emergency-export-data', 'passed'],
      ['emergency-restore-backup', 'passed'],
      ['emergency-verify-restore', 'passed'],
    ]);
    expect(test.incident?.recovered).toBe(true);
    expect(test.incident?.timeline).toHaveLength(6);
    const times = test.incident!.timeline.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('writes the incident timeline into checklist.md', async () => {
    const checklist = await readFile(join(run.reportDir, journal.runId, 'checklist.md'), 'utf8');
    expect(checklist).toContain('### Emergency rollback (Rollback Rollback) — database restored from the pre-rollback backup and verified; left read-only');
    expect(checklist).toContain('Triggered by `v1-healthy`: V1 exited with code 2 before it was healthy');
    expect(checklist).toMatch(/\| \d\d:\d\d:\d\d\.\d{3} \| Emergency: switch the database to read-only: PASSED \|/);
  });

  it('proves the database refused writes, was exported, and equals the backup after the restore', async () => {
    expect(test.steps.find((s) => s.id === 'emergency-read-only')?.output).toMatchObject({ proof: 'writes refused (SQLSTATE 25006)' });
    const exported = test.steps.find((s) => s.id === 'emergency-export-data')!.output!;
    // A pg_dump directory: each of its files is evidence, and their sizes add up to what the step recorded.
    const files = test.evidence.filter((p) => p.startsWith(`${String(exported['evidence'])}/`));
    expect(files).toContain(`${String(exported['evidence'])}/toc.dat`);
    expect(files).toHaveLength(Number(exported['files']));
    const sizes = await Promise.all(files.map(async (f) => (await stat(join(run.reportDir, journal.runId, f))).size));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(exported['bytes']);
    const proof = JSON.parse(await readFile(join(run.reportDir, journal.runId, 'data-validation', 'emergency-restore-proof.json'), 'utf8'));
    expect(proof).toMatchObject({ restored: true, differences: [], schemaMatches: true });
    expect(proof.tables).toBeGreaterThan(5);
  });
});
