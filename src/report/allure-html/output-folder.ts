import { access, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HarnessError } from '../../errors.ts';
import { manifestName } from '../../evidence/manifest.ts';

/**
 * Empties the report folder before Allure writes into it (Allure never removes what an earlier
 * report left there), but only when it holds nothing or an earlier Allure report: a mistyped
 * `--output reports/<runId>` must not wipe the run's evidence. Nothing is written inside a sealed
 * run folder (one with manifest.sha256): `drill verify` would report every file of the report as added.
 */
export async function prepareOutputFolder(dir: string): Promise<void> {
  const sealed = await sealedRunAround(dir);
  if (sealed !== undefined) {
    throw new HarnessError(
      `refusing to write the Allure report to ${dir}: it is inside the sealed run folder ${sealed} (${manifestName}), and \`drill verify\` would then fail; leave --output out (the report goes beside the run folder, as <runId>-allure/) or name a folder outside it`,
    );
  }
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

/** The folder itself or the nearest folder above it that holds a run's manifest. */
async function sealedRunAround(dir: string): Promise<string | undefined> {
  for (let folder = dir; ; folder = dirname(folder)) {
    if (
      await access(join(folder, manifestName)).then(
        () => true,
        () => false,
      )
    )
      return folder;
    if (dirname(folder) === folder) return undefined;
  }
}
