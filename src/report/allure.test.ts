import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { TestResult } from 'allure-js-commons';
import { parseEnvInfo } from 'allure-js-commons/sdk/reporter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redactor } from '../redaction/redactor.ts';
import { writeAllureResults } from './allure.ts';
import { sampleJournal } from '../../test/helpers/sample-journal.ts';

type AllureTestResult = TestResult & { file: string };

let runDir: string;

beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'allure-test-'));
  await mkdir(join(runDir, 'rollback-time'), { recursive: true });
  await mkdir(join(runDir, 'data-validation'), { recursive: true });
  await writeFile(join(runDir, 'rollback-time', 'timings.json'), '{"stop-v2":412}\n');
  await writeFile(join(runDir, 'rollback-time', 'v2-final.log'), 'shutting down\n');
  await writeFile(join(runDir, 'data-validation', 'kpi-diff.csv'), 'kpi,v1,v2\n');
});

afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

async function results(dir: string): Promise<Map<string, AllureTestResult>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('-result.json'));
  const parsed = await Promise.all(names.map(async (n) => [n, JSON.parse(await readFile(join(dir, n), 'utf8')) as AllureTestResult] as const));
  return new Map(parsed.map(([name, result]) => [result.fullName!.replace('rollback-drill.', ''), { ...result, file: name }]));
}

describe('writeAllureResults', () => {
  it('writes one result per test, named by its uuid, with mapped statuses', async () => {
    const written = await writeAllureResults(sampleJournal(), runDir, { host: 'drill-host' });
    const dir = join(runDir, 'allure-results');
    const byTest = await results(dir);
    expect([...byTest.keys()].sort()).toEqual(['data-validation', 'roll-forward', 'rollback-time']);
    for (const result of byTest.values()) {
      expect(result.file).toBe(`${result.uuid}-result.json`);
      expect(result.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.stage).toBe('finished');
    }
    expect(byTest.get('rollback-time')!.status).toBe('passed');
    expect(byTest.get('data-validation')!.status).toBe('failed');
    expect(byTest.get('roll-forward')!.status).toBe('skipped');
    expect(byTest.get('roll-forward')!.statusDetails.message).toMatch(/^inconclusive — no verdict/);
    // Every file the writer put in the folder is named, and nothing else is there.
    expect(written.map((p) => basename(p)).sort()).toEqual((await readdir(dir)).sort());
    expect(written.filter((p) => p.endsWith('-result.json'))).toHaveLength(3);
    expect(written.map((p) => basename(p))).toEqual(expect.arrayContaining(['environment.properties', 'executor.json']));
  });

  it('carries times, labels, parameters and stable ids', async () => {
    await writeAllureResults(sampleJournal(), runDir, { host: 'drill-host' });
    const first = (await results(join(runDir, 'allure-results'))).get('rollback-time')!;
    await writeAllureResults(sampleJournal(), runDir, { host: 'drill-host' });
    const again = (await results(join(runDir, 'allure-results'))).get('rollback-time')!;
    expect(again.uuid).not.toBe(first.uuid);
    expect(again.historyId).toBe(first.historyId);
    expect(again.testCaseId).toBe(first.testCaseId);
    expect(first).toMatchObject({ name: 'Rollback time measurement', start: Date.parse('2026-01-02T03:04:05.100Z'), stop: Date.parse('2026-01-02T03:04:05.100Z') + 42_250 });
    expect(first.labels).toEqual(
      expect.arrayContaining([
        { name: 'suite', value: 'staging' },
        { name: 'feature', value: 'rollback drill' },
        { name: 'host', value: 'drill-host' },
      ]),
    );
    // Allure 3 keys history on testCaseId + non-excluded parameters: only the environment counts.
    expect(first.parameters).toEqual([
      { name: 'environment', value: 'staging' },
      { name: 'target', value: 'process', excluded: true },
      { name: 'database', value: 'embedded postgres 15 (127.0.0.1:54321/drill)', excluded: true },
    ]);

    const prod = sampleJournal();
    prod.environment = 'production';
    await writeAllureResults(prod, runDir);
    const other = (await results(join(runDir, 'allure-results'))).get('rollback-time')!;
    expect(other.historyId).not.toBe(first.historyId);
    expect(other.testCaseId).toBe(first.testCaseId);
  });

  it('replaces a previous rendering instead of adding to it', async () => {
    await writeAllureResults(sampleJournal(), runDir);
    await writeAllureResults(sampleJournal(), runDir);
    const names = await readdir(join(runDir, 'allure-results'));
    expect(names.filter((n) => n.endsWith('-result.json'))).toHaveLength(3);
  });

  it('has one step per journal step and one per check, each with its own status and time', async () => {
    await writeAllureResults(sampleJournal(), runDir);
    const failed = (await results(join(runDir, 'allure-results'))).get('data-validation')!;
    const names = failed.steps.map((s) => s.name);
    expect(names).toEqual([
      'Run V2 to completion (run-v2)',
      'Stop V2 (stop-v2)',
      'Start V1 (start-v1)',
      'check: KPI variance < 1% = 3 points out of tolerance (threshold 0 points out of tolerance)',
      'check: Zero data loss = none (threshold 0)',
      'check: Historical metrics intact = none (threshold true)',
      'cleanup: stop V2',
      'cleanup: drop database',
    ]);
    expect(failed.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped', 'failed', 'broken', 'skipped', 'broken', 'passed']);
    const stop = failed.steps[1]!;
    expect(stop.start).toBe(Date.parse('2026-01-02T03:05:20.000Z'));
    expect(stop.stop! - stop.start!).toBe(30_000);
    expect(stop.statusDetails.message).toBe('V2 still running after 30000 ms (pid 4242)');
    expect(failed.steps[3]!.statusDetails).toMatchObject({ actual: '3 points out of tolerance', expected: '0 points out of tolerance' });
    expect(failed.steps[3]!.parameters).toEqual([
      { name: 'id', value: 'kpi-variance' },
      { name: 'value', value: '3 points out of tolerance' },
      { name: 'threshold', value: '0 points out of tolerance' },
    ]);
    expect(failed.steps[0]!.parameters).toEqual([{ name: 'phase', value: 'setup' }]);
    for (const step of failed.steps) expect(step.stage, step.name).toBe('finished');
    expect(failed.statusDetails.message).toContain('check kpi-variance failed: 480 KPI points compared, 3 out of tolerance');
    expect(failed.steps.at(-1)!.stop).toBe(failed.stop);
  });

  it('shows a waived check as a skipped step that keeps its reason', async () => {
    const journal = sampleJournal();
    journal.tests[0]!.checks.push({
      id: 'v1-outputs-published',
      title: 'Outputs published',
      status: 'waived',
      value: null,
      threshold: true,
      message: 'waived: this environment has no blob storage',
    });
    await writeAllureResults(journal, runDir);
    const passed = (await results(join(runDir, 'allure-results'))).get('rollback-time')!;
    const waived = passed.steps.find((s) => s.name?.startsWith('check: Outputs published'))!;
    expect(waived).toMatchObject({ status: 'skipped', statusDetails: { message: 'waived: this environment has no blob storage', actual: 'none', expected: 'true' } });
    // A waiver never fails the run: the test keeps its own verdict.
    expect(passed.status).toBe('passed');
  });

  it('copies evidence that exists under the run folder as uuid-named attachments, each referenced once', async () => {
    await writeAllureResults(sampleJournal(), runDir);
    const dir = join(runDir, 'allure-results');
    const passed = (await results(dir)).get('rollback-time')!;
    // missing.txt was never written and ../outside-run.txt is outside the run folder; timings.json
    // belongs to the check that read it (Allure 3 shows a second reference to one file as missing).
    expect(passed.attachments.map((a) => [a.name, a.type])).toEqual([['rollback-time/v2-final.log', 'text/plain']]);
    const check = passed.steps.find((s) => s.name?.startsWith('check: Rollback within budget'))!;
    expect(check.attachments.map((a) => [a.name, a.type])).toEqual([['rollback-time/timings.json', 'application/json']]);
    for (const attachment of [...passed.attachments, ...check.attachments]) {
      expect(attachment.source).toMatch(/^[0-9a-f-]{36}-attachment\.(json|log)$/);
    }
    expect(await readFile(join(dir, passed.attachments[0]!.source), 'utf8')).toBe('shutting down\n');
    expect(await readFile(join(dir, check.attachments[0]!.source), 'utf8')).toBe('{"stop-v2":412}\n');
    expect(passed.description).toContain('../outside-run.txt (outside the run folder)');
    const attachmentFiles = (await readdir(dir)).filter((n) => n.includes('-attachment'));
    expect(attachmentFiles).toHaveLength(3);
  });

  it('gives every check its own copy of evidence two checks share', async () => {
    const journal = sampleJournal();
    const test = journal.tests[0]!;
    test.checks.push({ ...test.checks[0]!, id: 'per-step-budgets', title: 'Per-step budgets' });
    await writeAllureResults(journal, runDir);
    const result = (await results(join(runDir, 'allure-results'))).get('rollback-time')!;
    const sources = result.steps.filter((s) => s.name?.startsWith('check: ')).flatMap((s) => s.attachments.map((a) => a.source));
    expect(sources).toHaveLength(2);
    expect(new Set(sources).size).toBe(2);
  });

  it('lists evidence above the size limit instead of copying it', async () => {
    await writeAllureResults(sampleJournal(), runDir, { maxAttachmentBytes: 10 });
    const passed = (await results(join(runDir, 'allure-results'))).get('rollback-time')!;
    expect(passed.attachments).toEqual([]);
    expect(passed.description).toMatch(/rollback-time\/timings\.json \(16 bytes, above the 10-byte attachment limit/);
  });

  it('writes environment.properties and executor.json, redacted', async () => {
    const journal = sampleJournal();
    journal.database = 'postgres://drill:s3cret-pw@db.internal:5432/kpi';
    const redactor = new Redactor();
    redactor.add('s3cret-pw');
    await writeAllureResults(journal, runDir, { redactor });
    const dir = join(runDir, 'allure-results');
    const env = await readFile(join(dir, 'environment.properties'), 'utf8');
    expect(env).toContain('environment=staging\n');
    expect(env).toContain('run.id=20260102-030405-abcd\n');
    expect(env).toContain('run.status=failed\n');
    expect(env).not.toContain('s3cret-pw');
    expect(parseEnvInfo(env)).toMatchObject({ 'run.startedAt': '2026-01-02T03:04:05.000Z', database: 'postgres://drill:***@db.internal:5432/kpi' });
    const executor = JSON.parse(await readFile(join(dir, 'executor.json'), 'utf8')) as Record<string, unknown>;
    expect(executor).toMatchObject({ name: 'rollback-drill', buildName: '20260102-030405-abcd' });
    for (const result of (await results(dir)).values()) expect(JSON.stringify(result)).not.toContain('s3cret-pw');
  });
});
