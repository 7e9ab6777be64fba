import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drill, repoRoot } from '../../../test/helpers/cli.ts';
import type { Journal } from '../../journal/journal-types.ts';
import { drilledRun } from '../../../test/helpers/drilled-run.ts';

/**
 * `npm run report:allure` on a real drill run's folder (local processes, one test): Allure 3's
 * single-file report is built from its allure-results beside the run folder, holds the run's test
 * with its steps and evidence, renders from file:// in headless Chromium without one request leaving
 * the page, and leaves the sealed run folder as it was (`drill verify` exits 0).
 */
const chromiumPath = process.env['DRILL_CHROMIUM'] || '/usr/bin/chromium';

function reportAllure(args: string[]) {
  return execa('npm', ['run', '--silent', 'report:allure', '--', ...args], { cwd: repoRoot, env: { FORCE_COLOR: '0' }, reject: false, all: true, stdin: 'ignore' });
}

/** The single-file report embeds each data file as `d("<path>","<base64>")`: read them back. */
function embedded(html: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, name, base64] of html.matchAll(/\bd\("([^"]+)","([A-Za-z0-9+/=]*)"\)/g)) files.set(name!, Buffer.from(base64!, 'base64').toString('utf8'));
  return files;
}

interface ReportedTest {
  name: string;
  status: string;
  steps: Array<{ name: string; status: string }>;
}

let dir: string;
let runDir: string;
let journal: Journal;
/** Where the report goes by default: beside the run folder, named by the run. */
let reportOut: string;

beforeAll(async () => {
  const drilled = await drilledRun();
  dir = drilled.run.dir;
  runDir = drilled.runDir;
  journal = drilled.journal;
  reportOut = join(dirname(runDir), `${journal.runId}-allure`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm run report:allure', () => {
  let html: string;

  beforeAll(async () => {
    const built = await reportAllure([runDir]);
    expect(built.exitCode, built.all).toBe(0);
    expect(built.stdout).toContain(`allure report: ${join(reportOut, 'index.html')} (1 test result,`);
    html = await readFile(join(reportOut, 'index.html'), 'utf8');
  });

  it('leaves the sealed run folder and its latest/ copy as they were: drill verify exits 0 on both', async () => {
    const latest = join(dirname(runDir), 'latest');
    // From latest/ (the default folder) the report lands in the same place as from the run folder.
    const fromLatest = await reportAllure([latest]);
    expect(fromLatest.exitCode, fromLatest.all).toBe(0);
    expect(fromLatest.stdout).toContain(`allure report: ${join(reportOut, 'index.html')} (1 test result,`);
    for (const folder of [runDir, latest]) {
      const verified = await drill(['verify', folder]);
      expect(verified.exitCode, verified.all).toBe(0);
      expect(verified.stdout).toContain(`files of ${folder} match manifest.sha256`);
    }
  });

  it('writes one HTML file that holds the run: its test, every step, the checks and the evidence', async () => {
    expect((await readdir(reportOut)).sort()).toEqual(['index.html', 'summary.json', 'test-results.json']);
    expect(html).toContain(`<title> Rollback drill · staging · ${journal.runId} · ${journal.status} </title>`);
    const files = embedded(html);
    const tests = [...files].filter(([name]) => name.startsWith('data/test-results/')).map(([, text]) => JSON.parse(text) as ReportedTest);
    expect(tests.map((t) => [t.name, t.status])).toEqual(journal.tests.map((t) => [t.title, t.status]));
    expect(tests[0]!.name).toBe('Rollback Time Measurement');
    const stepNames = tests[0]!.steps.map((s) => s.name);
    for (const step of journal.tests[0]!.steps)
      expect(
        stepNames.some((name) => name.startsWith(step.title)),
        step.title,
      ).toBe(true);
    for (const check of journal.tests[0]!.checks)
      expect(
        stepNames.some((name) => name.startsWith(`check: ${check.title}`)),
        check.title,
      ).toBe(true);
    expect(JSON.parse(files.get('widgets/statistic.json')!)).toEqual({ total: 1, passed: 1 });
    // V2's final log lines, as the run kept them, are inside the report (not linked to the run folder).
    const finalState = await readFile(join(runDir, 'rollback-time', 'v2-final-state.log'), 'utf8');
    const attachments = [...files].filter(([name]) => name.startsWith('data/attachments/')).map(([, text]) => text);
    expect(attachments).toContain(finalState);
    expect(html).not.toContain('googletagmanager');
  });

  // Needs Debian's chromium (.ci/run installs it): a missing browser fails here, it does not skip.
  it('renders from file:// in headless Chromium with no request leaving the page', async () => {
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, timeout: 60_000 });
    try {
      const url = pathToFileURL(join(reportOut, 'index.html')).href;
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const requests: string[] = [];
      page.on('request', (request) => {
        if (!/^(file|data|blob):/.test(request.url())) requests.push(request.url());
      });
      await page.route(
        (u) => !/^(file|data|blob):/.test(u.href),
        (route) => route.abort(),
      );
      await page.goto(url, { waitUntil: 'load' });
      // The tree groups tests by suite (the environment): open it, then the test.
      await page.getByTestId('tree-section').filter({ hasText: 'staging' }).first().click();
      await page.getByText('Rollback Time Measurement').first().click();
      await page.getByText('Stop V2 and verify it stopped', { exact: false }).first().waitFor({ timeout: 20_000 });
      expect(await page.title()).toContain(journal.runId);
      if (process.env['ALLURE_SHOT']) await page.screenshot({ path: process.env['ALLURE_SHOT'], fullPage: true });
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('takes the allure-results folder itself and --output, and replaces an earlier report', async () => {
    const out = join(dir, 'html');
    for (const round of [1, 2]) {
      const built = await reportAllure([join(runDir, 'allure-results'), '--output', out]);
      expect(built.exitCode, built.all).toBe(0);
      expect(built.stdout).toContain(`allure report: ${join(out, 'index.html')}`);
      // Allure itself never removes what an earlier (e.g. multi-file) report left in the folder.
      if (round === 1) await writeFile(join(out, 'left-by-an-earlier-report.json'), '{}');
    }
    expect((await readdir(out)).sort()).toEqual(['index.html', 'summary.json', 'test-results.json']);
  });
});

describe('npm run report:allure without results', () => {
  it('exits 3 naming the missing folder and how to get one', async () => {
    const missing = join(dir, 'no-such-run');
    const built = await reportAllure([missing]);
    expect(built.exitCode).toBe(3);
    expect(built.stderr).toContain(`no Allure results at ${join(missing, 'allure-results')} (no such folder)`);
    expect(built.stderr).toContain('run `npm run drill:staging` first');
  });

  it('exits 3 on a results folder with no test results in it', async () => {
    const empty = join(dir, 'empty-run');
    await mkdir(join(empty, 'allure-results'), { recursive: true });
    await writeFile(join(empty, 'allure-results', 'environment.properties'), 'environment=staging\n');
    const built = await reportAllure([empty]);
    expect(built.exitCode).toBe(3);
    expect(built.stderr).toContain(`no Allure results at ${join(empty, 'allure-results')} (the folder holds no *-result.json)`);
    expect(built.stderr).toContain('npm run drill:staging');
  });

  it('exits 3 rather than write into a sealed run folder, and leaves it verifiable', async () => {
    const latest = join(dirname(runDir), 'latest');
    for (const output of [runDir, join(runDir, 'allure-report'), join(latest, 'allure-report')]) {
      const built = await reportAllure([runDir, '--output', output]);
      expect(built.exitCode, built.all).toBe(3);
      const sealed = output.startsWith(latest) ? latest : runDir;
      expect(built.stderr).toContain(`refusing to write the Allure report to ${output}: it is inside the sealed run folder ${sealed} (manifest.sha256)`);
    }
    await expect(access(join(runDir, 'allure-report'))).rejects.toThrow(/ENOENT/);
    expect((await drill(['verify', runDir])).exitCode).toBe(0);
  });

  it('exits 3 rather than overwrite a folder that is not an Allure report', async () => {
    const notReport = join(dir, 'not-a-report');
    await mkdir(notReport, { recursive: true });
    await writeFile(join(notReport, 'notes.txt'), 'mine\n');
    const built = await reportAllure([runDir, '--output', notReport]);
    expect(built.exitCode).toBe(3);
    expect(built.stderr).toContain(`${notReport} exists and is not an Allure report`);
    expect(await readFile(join(notReport, 'notes.txt'), 'utf8')).toBe('mine\n');
  });
});
