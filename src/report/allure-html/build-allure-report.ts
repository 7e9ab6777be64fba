import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../../errors.ts';
import { prepareOutputFolder } from './output-folder.ts';
import { stripAnalytics } from './strip-analytics.ts';

export interface BuildOptions {
  resultsDir: string;
  outputDir: string;
  reportName: string;
  /** allurerc.json: the Awesome plugin with `singleFile: true`. */
  configFile: string;
  /** The project root: `node_modules/.bin/allure` is found from here, and Allure's git look-ups run here. */
  projectDir: string;
}

export interface BuiltReport {
  indexHtml: string;
  durationMs: number;
  /** For the user: the page still loads Google Analytics when opened (Allure's template changed). */
  warnings: string[];
}

/** Runs the Allure 3 CLI (`allure generate`) on one results folder; no network is used. */
export async function buildAllureReport(options: BuildOptions): Promise<BuiltReport> {
  const started = performance.now();
  await prepareOutputFolder(options.outputDir);
  const args = ['generate', options.resultsDir, '--output', options.outputDir, '--config', options.configFile, '--report-name', options.reportName];
  const run = await execa('allure', args, {
    cwd: options.projectDir,
    preferLocal: true,
    localDir: options.projectDir,
    // Only Allure's allure2 plugin honours ALLURE_NO_ANALYTICS today; the Awesome page is cleaned below.
    env: { ALLURE_NO_ANALYTICS: 'true', FORCE_COLOR: '0' },
    stdin: 'ignore',
    all: true,
    reject: false,
  });
  if (run.failed) {
    const cause = run.code === 'ENOENT' ? 'not installed (run `npm ci`)' : `exited with ${run.exitCode ?? run.signal}`;
    throw new HarnessError(`allure generate ${cause}: ${tail(run.all ?? run.message)}`);
  }
  const indexHtml = join(options.outputDir, 'index.html');
  const html = await readFile(indexHtml, 'utf8').catch(() => {
    throw new HarnessError(`allure generate wrote no ${indexHtml}: ${tail(run.all ?? '')}`);
  });
  const stripped = stripAnalytics(html);
  await writeFile(indexHtml, stripped.html);
  const warnings = stripped.leftover
    ? [`${indexHtml} still loads googletagmanager.com when opened: Allure's page template changed, see src/report/allure-html/strip-analytics.ts`]
    : [];
  return { indexHtml, durationMs: performance.now() - started, warnings };
}

function tail(output: string, lines = 20): string {
  return output.trim().split('\n').slice(-lines).join('\n') || '(no output)';
}
