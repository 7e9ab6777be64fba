import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import { describeVerification, manifestName, verifyManifest, writeManifest } from '../evidence/manifest.ts';
import { historyFileName } from '../history/history-file.ts';
import { readSignatures } from '../signoff/signoff-file.ts';
import { formatMs } from '../util/format.ts';
import { writeReport } from '../report/write-report.ts';
import { readJournal } from '../journal/journal-files.ts';
import { processIo, type CommandIo } from './output.ts';

export interface ReportCommandOptions {
  runDir: string;
  pdf?: boolean;
  /** Default: history.jsonl in the folder that holds the run folder (reports/). */
  history?: string;
  regressionRatio?: string;
}

/**
 * `drill report <runDir> [--pdf]`: re-renders report.html (and report.pdf) and seals the folder
 * again. A sealed run that no longer verifies is refused (exit 1): re-sealing it would bless
 * whatever changed; so is a run signed with a key, whose signatures cover the report as it is.
 */
export async function reportCommand(options: ReportCommandOptions, io: CommandIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const runDir = resolve(options.runDir);
  const ratio = parseRatio(options.regressionRatio);
  const journal = await readJournal(runDir);
  const sealed = await access(join(runDir, manifestName)).then(
    () => true,
    () => false,
  );
  if (sealed) {
    const verification = await verifyManifest(runDir);
    if (!verification.ok) {
      for (const line of describeVerification(verification)) io.err.write(`${line}\n`);
      io.err.write(`refused: ${runDir} fails verification; a report would re-seal the changes above\n`);
      return 1;
    }
  }
  const keyed = (await readSignatures(runDir)).filter((s) => s.method === 'ssh').map((s) => s.role);
  if (keyed.length) {
    io.err.write(
      `refused: ${runDir} carries ssh sign-offs (${[...new Set(keyed)].join(', ')}) over this report.html; a new one would break them — render (and --pdf) before signing\n`,
    );
    return 1;
  }
  const historyFile = options.history ? resolve(options.history) : join(dirname(runDir), historyFileName);
  const hasHistory = await access(historyFile).then(
    () => true,
    () => false,
  );
  if (options.history && !hasHistory) throw new HarnessError(`history file ${historyFile} (given by --history) does not exist`);
  const report = await writeReport({
    runDir,
    journal,
    ...(hasHistory ? { historyFile } : {}),
    ...(ratio === undefined ? {} : { trend: { ratio } }),
    pdf: options.pdf ? 'required' : 'off',
    env,
  });
  const { files } = await writeManifest(runDir);
  io.out.write(`report: ${report.html} (${formatMs(report.renderMs)})\n`);
  if (report.pdf) io.out.write(`pdf: ${report.pdf} (${formatMs(report.pdfMs ?? 0)})\n`);
  if (!hasHistory) io.out.write(`trend: no ${historyFileName} next to the run folder, the report shows none\n`);
  for (const t of report.trend?.tests.filter((x) => x.regression) ?? []) {
    io.out.write(`regression: ${t.id} rolled back in ${formatMs(t.current ?? 0)}, median of its last ${t.baselineRuns} runs ${formatMs(t.median ?? 0)}\n`);
  }
  io.out.write(`sealed: ${files.length} files in ${join(runDir, manifestName)}${sealed ? '' : ' (the run had no manifest yet)'}\n`);
  return 0;
}

export function parseRatio(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ratio = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(ratio) || ratio < 1)
    throw new HarnessError(`--regression-ratio must be a number ≥ 1 (1.2 = flag a rollback 20% slower than the median), got '${raw}'`);
  return ratio;
}
