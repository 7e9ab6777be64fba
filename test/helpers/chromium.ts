import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export interface OpenedPage {
  page: Page;
  /** Every request the page made after its own document: must stay empty for a self-contained report. */
  requests: string[];
}

/**
 * Opens a file as a reader would (file:// in a real tab) and records every request. The report's
 * Content-Security-Policy would silently block a fetch before it is ever a request, so with
 * `withoutCsp` the page is opened from a copy without that line: what the markup itself asks for
 * then shows up here, instead of being hidden by the policy.
 */
export async function openRecording(browser: Browser, file: string, options: { withoutCsp?: { scratchDir: string } } = {}): Promise<OpenedPage> {
  let target = file;
  if (options.withoutCsp) {
    // Outside the run folder: a stray file in it would (rightly) fail `drill verify`.
    target = join(options.withoutCsp.scratchDir, 'report-without-csp.html');
    const html = await readFile(file, 'utf8');
    const stripped = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    if (stripped === html) throw new Error(`${file} has no Content-Security-Policy line to strip`);
    await writeFile(target, stripped);
  }
  const url = pathToFileURL(target).href;
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const requests: string[] = [];
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  // Anything that does try the network is answered locally and fails: a test never reaches out.
  await page.route(
    (u) => u.href !== url,
    (route) => route.abort(),
  );
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests };
}
