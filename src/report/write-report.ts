import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redactor } from '../redaction/redactor.ts';
import type { Journal } from '../journal/journal-types.ts';
import { readJournal } from '../journal/journal-files.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { listEvidence } from '../evidence/evidence-list.ts';
import { summariseRun } from '../history/history-entry.ts';
import { readHistory } from '../history/history-file.ts';
import { buildTrend, type Trend, type TrendOptions } from '../history/trend.ts';
import { readSignatures } from '../signoff/signoff-file.ts';
import { findChromium, missingChromiumMessage } from './chromium.ts';
import { renderReportHtml } from './html/render-report.ts';
import { printPdf } from './pdf.ts';

export const reportHtmlName = 'report.html';
export const reportPdfName = 'report.pdf';

/** off: no PDF; if-available: a PDF when Chromium is installed, a note when not; required: no Chromium is an error. */
export type PdfMode = 'off' | 'if-available' | 'required';

export interface WriteReportOptions {
  runDir: string;
  /** Defaults to the run's journal.json. */
  journal?: Journal;
  redactor?: Redactor;
  /** history.jsonl to take the trend from; undefined: no trend section. */
  historyFile?: string;
  trend?: TrendOptions;
  pdf?: PdfMode;
  env?: NodeJS.ProcessEnv;
}

export interface WrittenReport {
  html: string;
  pdf?: string;
  /** Why no PDF was written although one was asked for "if available". */
  pdfSkipped?: string;
  trend?: Trend;
  renderMs: number;
  pdfMs?: number;
}

/** Renders report.html (and report.pdf) from the run folder: journal, evidence on disk, signatures, history. */
export async function writeReport(options: WriteReportOptions): Promise<WrittenReport> {
  const { runDir, redactor = new Redactor(), pdf = 'off', env = process.env } = options;
  const chromium = pdf === 'off' ? undefined : await findChromium(env);
  if (pdf === 'required' && !chromium) throw new HarnessError(missingChromiumMessage(env));

  const started = performance.now();
  // Through the redactor the way journal.json was written, so the report never shows more than the journal.
  const journal = options.journal ? (JSON.parse(redactor.redact(JSON.stringify(options.journal))) as Journal) : await readJournal(runDir);
  const history = options.historyFile ? await readHistory(options.historyFile) : undefined;
  const trend = history ? buildTrend(history.entries, summariseRun(journal), options.trend) : undefined;
  const page = renderReportHtml(journal, {
    evidence: await listEvidence(runDir, journal),
    signatures: await readSignatures(runDir),
    ...(trend ? { trend } : {}),
    ...(history?.skipped.length ? { historySkipped: history.skipped } : {}),
  });
  const html = join(runDir, reportHtmlName);
  await writeFile(html, redactor.redact(page));
  const renderMs = performance.now() - started;
  const written: WrittenReport = { html, renderMs, ...(trend ? { trend } : {}) };
  if (pdf === 'off') return written;
  if (!chromium) return { ...written, pdfSkipped: missingChromiumMessage(env) };

  const pdfStarted = performance.now();
  const pdfFile = join(runDir, reportPdfName);
  try {
    await printPdf(html, pdfFile, { executablePath: chromium, title: `Rollback drill ${journal.runId} — ${journal.status.toUpperCase()}` });
  } catch (error) {
    // At the end of a run a broken browser must not cost the seal of the evidence: note it and go on.
    if (pdf === 'required') throw error;
    return { ...written, pdfSkipped: `printing ${reportPdfName} failed: ${errorMessage(error)}` };
  }
  return { ...written, pdf: pdfFile, pdfMs: performance.now() - pdfStarted };
}
