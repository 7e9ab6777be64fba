import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../src/redaction/redactor.ts';
import { copyToLatest } from '../src/journal/journal-files.ts';
import { HarnessError } from '../src/errors.ts';
import { verifyManifest } from '../src/evidence/manifest.ts';
import { sampleJournal } from './helpers/sample-journal.ts';
import { writeSignoffArtifacts } from '../src/report/signoff-artifacts.ts';
import { sealedRun } from './helpers/sealed-run.ts';

/** The end-of-run step that run-drills calls: history, report (and PDF), then the manifest, last. */
const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('writeSignoffArtifacts', () => {
  it('appends history outside the run, writes report.html, and seals every file of the run last', async () => {
    const { reportDir, runDir, artifacts } = await sealedRun();
    cleanup.push(reportDir);
    const sealed = artifacts.manifest.files.map((f) => f.path);
    expect(sealed).toEqual(expect.arrayContaining(['journal.json', 'checklist.md', 'report.html', 'rollback-time/timings.json']));
    expect(sealed).not.toContain('manifest.sha256');
    expect(artifacts.historyFile).toBe(join(reportDir, 'history.jsonl'));
    expect((await readFile(artifacts.historyFile, 'utf8')).trimEnd().split('\n')).toHaveLength(1);
    expect((await verifyManifest(runDir)).ok).toBe(true);
    // run-drills copies the run to latest/ after this step: the copy verifies too.
    const latest = await copyToLatest(reportDir, runDir);
    expect(await verifyManifest(latest)).toMatchObject({ ok: true, files: sealed.length });
  });

  it('prints report.pdf when Chromium is there, and seals it with the rest', async () => {
    const { reportDir, runDir, artifacts } = await sealedRun({ pdf: 'if-available' });
    cleanup.push(reportDir);
    expect(artifacts.reportPdf).toBe(join(runDir, 'report.pdf'));
    expect(artifacts.manifest.files.map((f) => f.path)).toContain('report.pdf');
    expect((await readFile(join(runDir, 'report.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
    expect(artifacts.timings.pdfMs).toBeGreaterThan(0);
  });

  it('without Chromium, says why there is no PDF and still seals the run', async () => {
    const { reportDir, runDir, artifacts } = await sealedRun({ pdf: 'if-available', env: { DRILL_CHROMIUM: '/nonexistent/chromium' } });
    cleanup.push(reportDir);
    expect(artifacts.reportPdf).toBeUndefined();
    expect(artifacts.pdfSkipped).toContain('headless Chromium not found at /nonexistent/chromium');
    await expect(stat(join(runDir, 'report.pdf'))).rejects.toThrow(/ENOENT/);
    expect((await verifyManifest(runDir)).ok).toBe(true);
  });

  it('refuses a bad regression ratio before writing anything', async () => {
    const reportDir = await mkdtemp(join(tmpdir(), 'drill-signoff-'));
    cleanup.push(reportDir);
    const options = { runDir: join(reportDir, 'r'), reportDir, journal: sampleJournal(), redactor: new Redactor(), historyRatio: 0.5 };
    await expect(writeSignoffArtifacts(options)).rejects.toThrow(HarnessError);
    await expect(stat(join(reportDir, 'history.jsonl'))).rejects.toThrow(/ENOENT/);
  });

  it('keeps a secret registered with the redactor out of the report and the history', async () => {
    const reportDir = await mkdtemp(join(tmpdir(), 'drill-signoff-'));
    cleanup.push(reportDir);
    const journal = sampleJournal();
    journal.database = 'postgres://drill:hunter2-secret@127.0.0.1:5432/drill';
    journal.environment = 'staging-hunter2-secret';
    const redactor = new Redactor();
    redactor.add('hunter2-secret');
    const runDir = join(reportDir, journal.runId);
    await mkdir(runDir);
    const { reportHtml, historyFile } = await writeSignoffArtifacts({ runDir, reportDir, journal, redactor });
    expect(await readFile(reportHtml, 'utf8')).not.toContain('hunter2');
    expect(await readFile(historyFile, 'utf8')).not.toContain('hunter2');
  });
});
