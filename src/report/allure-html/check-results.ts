import { readdir } from 'node:fs/promises';
import { HarnessError } from '../../errors.ts';

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
