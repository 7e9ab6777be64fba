import { mkdir, readdir, rm } from 'node:fs/promises';
import { HarnessError } from '../../errors.ts';

/**
 * Empties the report folder before Allure writes into it (Allure never removes what an earlier
 * report left there), but only when it holds nothing or an earlier Allure report: a mistyped
 * `--output reports/<runId>` must not wipe the run's evidence.
 */
export async function prepareOutputFolder(dir: string): Promise<void> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException): string[] => {
    if (error.code === 'ENOENT') return [];
    throw new HarnessError(`cannot use ${dir} for the Allure report: ${error.message}`);
  });
  const isReport = names.includes('index.html') && names.includes('summary.json');
  if (names.length > 0 && !isReport) {
    throw new HarnessError(`${dir} exists and is not an Allure report (no index.html + summary.json): refusing to overwrite it; pass --output <new folder>`);
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}
