import { HarnessError, errorMessage } from '../errors.ts';
import { appendHistory, historyPath } from '../history/history-file.ts';
import { summariseRun } from '../history/history-entry.ts';
import { checkTrendOptions, type TestTrend } from '../history/trend.ts';
import { writeReportFile } from '../journal/journal-files.ts';
import type { Journal } from '../journal/journal-types.ts';
import type { Redactor } from '../redaction/redactor.ts';
import { formatMs } from '../util/format.ts';
import { writeAllureResults } from './allure.ts';
import { renderChecklist } from './checklist.ts';
import { renderJunit } from './junit.ts';
import { writeReport, type PdfMode } from './write-report.ts';

/** What a reporter is given besides the journal: where to write, how to mask, how to say something. */
export interface ReporterContext {
  /** The run folder: a reporter writes its files here, before the run is sealed. */
  runDir: string;
  /** The folder of every run (history.jsonl lives there, outside any one run). */
  reportDir: string;
  redactor: Redactor;
  /** The environment's `report` settings. */
  settings: { pdf: PdfMode; regressionRatio: number };
  /** One line for the terminal (regressions, a report that could not be printed). */
  info(line: string): void;
  env: NodeJS.ProcessEnv;
}

/**
 * A reporter: writes an output of a run from its journal, and nothing else (the journal is the contract).
 * The built-in ones write checklist.md, junit.xml, allure-results/, history.jsonl and report.html (+ .pdf);
 * a user's drill.config.ts adds its own through `plugins.reporters`. After the last one, the run folder is
 * sealed (manifest.sha256): nothing may be written into it afterwards.
 */
export interface ReporterPlugin {
  name: string;
  write(journal: Journal, context: ReporterContext): Promise<void>;
}

/** Typed identity for a reporter written in a config file. */
export function defineReporter(plugin: ReporterPlugin): ReporterPlugin {
  return plugin;
}

export const checklistReporter = defineReporter({
  name: 'checklist',
  write: async (journal, { runDir, redactor }) => void (await writeReportFile(runDir, 'checklist.md', renderChecklist(journal), redactor)),
});

export const junitReporter = defineReporter({
  name: 'junit',
  write: async (journal, { runDir, redactor }) => void (await writeReportFile(runDir, 'junit.xml', renderJunit(journal), redactor)),
});

export const allureReporter = defineReporter({
  name: 'allure',
  // Large evidence (the database backup) stays in the run folder and is listed, not copied into allure-results.
  write: async (journal, { runDir, redactor }) => void (await writeAllureResults(journal, runDir, { redactor, maxAttachmentBytes: 1024 * 1024 })),
});

/** One line per run in <reportDir>/history.jsonl: the trend of rollback times across runs. */
export const historyReporter = defineReporter({
  name: 'history',
  write: async (journal, { reportDir, redactor }) => appendHistory(historyPath(reportDir), JSON.parse(redactor.redact(JSON.stringify(summariseRun(journal))))),
});

/** report.html (and report.pdf with Chromium), with the trend of the history written before it. */
export const htmlReporter = defineReporter({
  name: 'html',
  async write(journal, { runDir, reportDir, redactor, settings, info, env }) {
    const written = await writeReport({
      runDir,
      journal,
      redactor,
      historyFile: historyPath(reportDir),
      trend: checkTrendOptions({ ratio: settings.regressionRatio }),
      pdf: settings.pdf,
      env,
    });
    if (written.pdfSkipped) info(`report.pdf not written: ${written.pdfSkipped}`);
    for (const t of written.trend?.tests.filter((t) => t.regression) ?? []) info(regressionLine(t));
  },
});

export function regressionLine(t: TestTrend): string {
  return `regression: ${t.id} rolled back in ${formatMs(t.current ?? 0)}, ${(((t.change ?? 1) - 1) * 100).toFixed(0)}% slower than the median ${formatMs(t.median ?? 0)} of its last ${t.baselineRuns} runs`;
}

/** In the order they run: the history before the report that draws its trend. */
export const builtInReporters = [checklistReporter, junitReporter, allureReporter, historyReporter, htmlReporter] as const;
export type BuiltInReporterName = (typeof builtInReporters)[number]['name'];

/**
 * The plug-in point of reporters: the names a config's `report.reporters` lists (built-in, or a plugin's
 * name given in `plugins.reporters`), in order; every built-in and plugin when it lists none.
 */
export function reporterRegistry(plugins: readonly ReporterPlugin[] = [], selected?: readonly string[]): ReporterPlugin[] {
  const all = new Map<string, ReporterPlugin>(builtInReporters.map((r) => [r.name, r]));
  for (const plugin of plugins) {
    if (typeof plugin !== 'object' || typeof plugin.write !== 'function' || !/^[a-z][a-z0-9-]{0,40}$/.test(plugin.name ?? '')) {
      throw new HarnessError(`plugins.reporters: a reporter needs a name (lower-case letters, digits, -) and a write() function`);
    }
    if (all.has(plugin.name)) throw new HarnessError(`two reporters are named '${plugin.name}'`);
    all.set(plugin.name, plugin);
  }
  if (!selected) return [...all.values()];
  return selected.map((name) => all.get(name) ?? fail(`report.reporters names '${name}', which is no reporter (known: ${[...all.keys()].join(', ')})`));
}

function fail(message: string): never {
  throw new HarnessError(message);
}

/** Runs each reporter in order; a reporter that fails is named in the error (the run's results are then unwritten). */
export async function runReporters(reporters: readonly ReporterPlugin[], journal: Journal, context: ReporterContext): Promise<void> {
  for (const reporter of reporters) {
    await reporter.write(journal, context).catch((error: unknown) => {
      throw new Error(`reporter ${reporter.name}: ${errorMessage(error)}`);
    });
  }
}
