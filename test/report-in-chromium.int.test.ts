import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Journal, TestRecord } from '../src/journal/journal-types.ts';
import { launchChromium, requireChromium } from '../src/report/chromium.ts';
import { rollbackBudgetMs } from '../src/report/html/waterfall-geometry.ts';
import { drill } from './helpers/cli.ts';
import { openRecording } from './helpers/chromium.ts';
import { sealedRun } from './helpers/sealed-run.ts';
import { drilledRun } from './helpers/drilled-run.ts';

/**
 * report.html as a reader sees it: a real drill run's folder, re-rendered by `drill report --pdf`,
 * opened in Debian's headless Chromium through playwright-core. Chromium missing is a failure
 * here, not a skip: CI installs it (`apt-get install -y chromium`).
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium(await requireChromium());
});
afterAll(() => browser?.close());

const rollbackSteps = (test: TestRecord) => test.steps.filter((s) => s.phase === 'rollback').map((s) => s.id);

describe('the report of a real drill run', () => {
  let dir: string;
  let runDir: string;
  let journal: Journal;

  beforeAll(async () => {
    const drilled = await drilledRun();
    dir = drilled.run.dir;
    runDir = drilled.runDir;
    journal = drilled.journal;
    const reported = await drill(['report', runDir, '--pdf']);
    expect(reported.exitCode, reported.all).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('shows the verdict on top and one row per test', async () => {
    const { page } = await openRecording(browser, join(runDir, 'report.html'));
    expect(await page.locator('#verdict .word').innerText()).toBe(journal.status.toUpperCase());
    expect(await page.locator('#verdict').isVisible()).toBe(true);
    const verdictBox = (await page.locator('#verdict').boundingBox())!;
    const checklistBox = (await page.locator('#checklist').boundingBox())!;
    expect(verdictBox.y).toBeLessThan(checklistBox.y);
    const rows = page.locator('#tests-summary tr.test-row');
    expect(await rows.count()).toBe(journal.tests.length);
    for (const [i, test] of journal.tests.entries()) {
      const text = await rows.nth(i).innerText();
      expect(text).toContain(test.title);
      expect(text).toContain(test.status.toUpperCase());
    }
    await page.close();
  });

  it('lists every check of every test with value, threshold and verdict', async () => {
    const { page } = await openRecording(browser, join(runDir, 'report.html'));
    for (const test of journal.tests) {
      const rows = page.locator(`.test-checks[data-test-id="${test.id}"] tr.check-row`);
      expect(await rows.count()).toBe(test.checks.length);
      for (const [i, check] of test.checks.entries()) {
        const cells = await rows.nth(i).locator('td').allInnerTexts();
        expect(cells[0]).toContain(check.title);
        expect(cells[3]).toBe(check.status.toUpperCase());
      }
    }
    await page.close();
  });

  it('draws the waterfall with one visible bar per rollback step, scaled against the budget', async () => {
    const { page } = await openRecording(browser, join(runDir, 'report.html'));
    for (const test of journal.tests.filter((t) => rollbackSteps(t).length > 0)) {
      const svg = page.locator(`svg.waterfall[data-test-id="${test.id}"]`);
      const bars = svg.locator('rect.step-bar');
      expect(await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-step-id')))).toEqual(rollbackSteps(test));
      for (const box of await Promise.all((await bars.all()).map((b) => b.boundingBox()))) expect(box!.width).toBeGreaterThan(0);
      // The window's share of the budget track is the rollback's share of the budget.
      const track = (await svg.locator('rect.budget-track').boundingBox())!;
      const window = (await svg.locator('rect.window-bar').first().boundingBox())!;
      const expected = Math.max(2 / 300, test.rollbackMs! / rollbackBudgetMs(test));
      expect(window.width / track.width).toBeCloseTo(expected, 2);
    }
    await page.close();
  });

  it('requests nothing from the network, and forbids it', async () => {
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    const { page, requests } = await openRecording(browser, join(runDir, 'report.html'), { withoutCsp: { scratchDir: dir } });
    expect(await page.locator('#verdict').isVisible()).toBe(true);
    expect(requests).toEqual([]);
    expect(await page.evaluate("document.querySelectorAll('script, link, img, iframe, object, embed, [src], [href]').length")).toBe(0);
    await page.close();
  });

  it('the same recorder does see a page that requests the network', async () => {
    const control = join(dir, 'control.html');
    await writeFile(control, '<!doctype html><p>x</p><img src="http://127.0.0.1:9/pixel.png">');
    const { page, requests } = await openRecording(browser, control);
    await page.waitForLoadState('load');
    expect(requests).toEqual(['http://127.0.0.1:9/pixel.png']);
    await page.close();
  });

  it('printed report.pdf, and the re-sealed run verifies', async () => {
    const pdf = await readFile(join(runDir, 'report.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    const verify = await drill(['verify', runDir]);
    expect(verify.exitCode, verify.all).toBe(0);
  });
});

describe('the report of a failed run with hostile text in its journal', () => {
  let reportDir: string;
  let runDir: string;

  beforeAll(async () => ({ reportDir, runDir } = await sealedRun()));
  afterAll(() => rm(reportDir, { recursive: true, force: true }));

  it('says FAILED, shows error text as text, and keeps a skipped step as a bar', async () => {
    const { page, requests } = await openRecording(browser, join(runDir, 'report.html'), { withoutCsp: { scratchDir: reportDir } });
    expect(await page.locator('#verdict .word').innerText()).toBe('FAILED');
    expect(await page.locator('#tests-summary tr.test-row').count()).toBe(3);
    const error = await page.locator('.test-checks[data-test-id="data-validation"] .step-error[data-step-id="stop-v2"] pre').innerText();
    expect(error).toContain(`"quoted" & <tag> 'apos' ]]>`);
    expect(await page.evaluate('document.scripts.length')).toBe(0);
    const bars = page.locator('svg.waterfall[data-test-id="data-validation"] rect.step-bar');
    expect(await bars.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step-id')}:${e.getAttribute('data-status')}`))).toEqual(['stop-v2:failed', 'start-v1:skipped']);
    expect((await bars.nth(1).boundingBox())!.width).toBeGreaterThan(0);
    expect(requests).toEqual([]);
    await page.close();
  });
});
