import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { HarnessError } from '../../errors.ts';

/** Where `npm run report:allure` reads a run's Allure results. */
export interface ResultsLocation {
  /** The run folder (`reports/<runId>` or `reports/latest`): journal.json lives here. */
  runDir: string;
  resultsDir: string;
}

export interface LocateOptions {
  /** Relative arguments resolve against it: the folder the user typed the command in. */
  base: string;
  /** Used when no folder is given: `reports/latest` of the project. */
  defaultRunDir: string;
}

/**
 * A run folder or its `allure-results` folder, both accepted: `reports/<runId>` is what the CLI
 * prints and what a user pastes.
 */
export function locateResults(folder: string | undefined, options: LocateOptions): ResultsLocation {
  const target = folder === undefined ? options.defaultRunDir : resolve(options.base, folder);
  const isResults = basename(target) === 'allure-results';
  return { runDir: isResults ? dirname(target) : target, resultsDir: isResults ? target : join(target, 'allure-results') };
}

export interface ReportFolderOptions {
  base: string;
  /** `--output`, as typed. */
  output?: string | undefined;
  /** The run's id, from its journal; undefined for results that are no run's. */
  runId?: string | undefined;
}

/**
 * Where the HTML report goes: `--output`, else beside the run folder and never inside it, since a
 * run is sealed (manifest.sha256) and a file added to it fails `drill verify`. `reports/latest` and
 * `reports/<runId>` both give `reports/<runId>-allure/`; results that are no run's (allure-vitest's
 * `allure-results/` of the drill suites) give `allure-report/` beside them.
 */
export function reportFolder(location: ResultsLocation, options: ReportFolderOptions): string {
  if (options.output !== undefined) return resolve(options.base, options.output);
  if (options.runId === undefined) return join(dirname(location.resultsDir), 'allure-report');
  return join(dirname(location.runDir), `${options.runId}-allure`);
}

const howToGetResults = 'run `npm run drill:staging` first (each run writes reports/<runId>/allure-results, copied to reports/latest/)';

/** The number of test results in the folder; a clear error when there is nothing to report. */
export async function countResults(resultsDir: string): Promise<number> {
  const names = await readdir(resultsDir).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'ENOENT' ? 'no such folder' : error.code === 'ENOTDIR' ? 'not a folder' : error.message;
    throw new HarnessError(`no Allure results at ${resultsDir} (${why}): ${howToGetResults}`);
  });
  const results = names.filter((name) => name.endsWith('-result.json')).length;
  if (results === 0) throw new HarnessError(`no Allure results at ${resultsDir} (the folder holds no *-result.json): ${howToGetResults}`);
  return results;
}
