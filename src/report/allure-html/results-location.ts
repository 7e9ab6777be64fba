import { basename, dirname, join, resolve } from 'node:path';

/** Where `npm run report:allure` reads a run's Allure results and writes its HTML report. */
export interface ResultsLocation {
  /** The run folder (`reports/<runId>` or `reports/latest`): journal.json lives here. */
  runDir: string;
  resultsDir: string;
  outputDir: string;
}

export interface LocateOptions {
  /** Relative arguments resolve against it: the folder the user typed the command in. */
  base: string;
  /** Used when no folder is given: `reports/latest` of the project. */
  defaultRunDir: string;
  output?: string | undefined;
}

/**
 * A run folder or its `allure-results` folder, both accepted: `reports/<runId>` is what the CLI
 * prints and what a user pastes; the report goes beside the results, as `allure-report`.
 */
export function locateResults(folder: string | undefined, options: LocateOptions): ResultsLocation {
  const target = folder === undefined ? options.defaultRunDir : resolve(options.base, folder);
  const isResults = basename(target) === 'allure-results';
  const runDir = isResults ? dirname(target) : target;
  const resultsDir = isResults ? target : join(target, 'allure-results');
  const outputDir = options.output === undefined ? join(runDir, 'allure-report') : resolve(options.base, options.output);
  return { runDir, resultsDir, outputDir };
}
