import type { Redactor } from '../redaction/redactor.ts';
import type { Journal } from '../journal/journal-types.ts';
import { writeManifest, type SealedFile } from '../evidence/manifest.ts';
import { historyPath } from '../history/history-file.ts';
import { historyReporter, type ReporterContext } from './reporters.ts';
import { checkTrendOptions, type TestTrend } from '../history/trend.ts';
import { writeReport, type PdfMode } from './write-report.ts';

export interface SignoffArtifactsOptions {
  runDir: string;
  reportDir: string;
  journal: Journal;
  redactor: Redactor;
  /** A rollback slower than median × ratio of the last 7 runs is flagged (default 1.2). */
  historyRatio?: number;
  /** Default 'off'; 'if-available' writes report.pdf when Debian's chromium is installed. */
  pdf?: PdfMode;
  env?: NodeJS.ProcessEnv;
}

export interface SignoffArtifacts {
  reportHtml: string;
  reportPdf?: string;
  pdfSkipped?: string;
  historyFile: string;
  manifest: { path: string; files: SealedFile[] };
  /** Tests whose rollback this run was flagged as a regression. */
  regressions: TestTrend[];
  timings: { renderMs: number; pdfMs?: number; manifestMs: number };
}

/**
 * The end of a run, after journal.json, checklist.md, junit.xml and allure-results are written and
 * before the folder is copied to latest/: the history and html reporters (history.jsonl outside the run,
 * report.html and report.pdf inside), then every file of the run folder sealed in manifest.sha256 — last,
 * so that nothing written after it breaks `drill verify`.
 */
export async function writeSignoffArtifacts(options: SignoffArtifactsOptions): Promise<SignoffArtifacts> {
  const { runDir, reportDir, journal, redactor } = options;
  // A bad ratio is refused before anything is written.
  const trend = options.historyRatio === undefined ? {} : { trend: checkTrendOptions({ ratio: options.historyRatio }) };
  const historyFile = historyPath(reportDir);
  await historyReporter.write(
    journal,
    context(options, () => undefined),
  );
  const report = await writeReport({ runDir, journal, redactor, historyFile, ...trend, pdf: options.pdf ?? 'off', ...(options.env ? { env: options.env } : {}) });
  const sealStarted = performance.now();
  const manifest = await writeManifest(runDir);
  return {
    reportHtml: report.html,
    ...(report.pdf ? { reportPdf: report.pdf } : {}),
    ...(report.pdfSkipped ? { pdfSkipped: report.pdfSkipped } : {}),
    historyFile,
    manifest,
    regressions: report.trend?.tests.filter((t) => t.regression) ?? [],
    timings: { renderMs: report.renderMs, ...(report.pdfMs === undefined ? {} : { pdfMs: report.pdfMs }), manifestMs: performance.now() - sealStarted },
  };
}

function context(options: SignoffArtifactsOptions, info: (line: string) => void): ReporterContext {
  return {
    runDir: options.runDir,
    reportDir: options.reportDir,
    redactor: options.redactor,
    settings: { pdf: options.pdf ?? 'off', regressionRatio: options.historyRatio ?? 1.2 },
    info,
    env: options.env ?? process.env,
  };
}
