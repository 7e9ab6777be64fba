import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Redactor } from '../config/redact.ts';
import { writeReportFile } from '../drill/journal-writer.ts';
import { HarnessError } from '../errors.ts';
import { verifyManifest, writeManifest, type Verification } from '../evidence/manifest.ts';
import { renderChecklist } from '../report/checklist.ts';
import { requireChromium } from '../report/chromium.ts';
import { readJournal, reportPdfName, writeReport } from '../report/write-report.ts';
import type { TrendOptions } from '../history/trend.ts';
import { isSignOffRole, signOffRoles, type Signature } from './signature.ts';
import { readSignatures, writeSignatures } from './signoff-file.ts';

export interface SignRunOptions {
  runDir: string;
  role: string;
  name: string;
  historyFile?: string;
  trend?: TrendOptions;
  clock?: () => Date;
  env?: NodeJS.ProcessEnv;
}

export type SignResult = { signed: true; signature: Signature; files: number; rendered: string[] } | { signed: false; verification: Verification };

/**
 * Records a signature: only on a run that verifies against its manifest (a signature on evidence
 * changed after the run would vouch for something nobody measured). Then checklist.md, report.html
 * (and report.pdf, if the run has one) show it, and the manifest is sealed again over them.
 */
export async function signRun(options: SignRunOptions): Promise<SignResult> {
  const { runDir, clock = () => new Date(), env = process.env } = options;
  const role = options.role.trim().toLowerCase();
  if (!isSignOffRole(role)) throw new HarnessError(`unknown role '${options.role}' given by --role (known: ${signOffRoles.join(', ')})`);
  const name = checkName(options.name);
  const journal = await readJournal(runDir);

  const verification = await verifyManifest(runDir);
  if (!verification.ok) return { signed: false, verification };

  const hasPdf = await access(join(runDir, reportPdfName)).then(() => true, () => false);
  const signature: Signature = { role, name, signedAt: clock().toISOString() };
  const signatures = [...(await readSignatures(runDir)), signature];
  const redactor = new Redactor();
  // A PDF left showing the run unsigned would contradict the HTML: with one present, Chromium is
  // required, and checked before signoff.json is touched so a refusal changes nothing.
  if (hasPdf) await requireChromium(env);
  await writeSignatures(runDir, signatures);
  await writeReportFile(runDir, 'checklist.md', renderChecklist(journal, signatures), redactor);
  const report = await writeReport({
    runDir,
    journal,
    redactor,
    ...(options.historyFile ? { historyFile: options.historyFile } : {}),
    ...(options.trend ? { trend: options.trend } : {}),
    pdf: hasPdf ? 'required' : 'off',
    env,
  });
  const { files } = await writeManifest(runDir);
  return { signed: true, signature, files: files.length, rendered: ['checklist.md', 'report.html', ...(report.pdf ? [reportPdfName] : [])] };
}

function checkName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new HarnessError('--name is empty: give the signer\'s name, e.g. --name "Jane Doe"');
  if (name.length > 200) throw new HarnessError(`--name is ${name.length} characters long: at most 200`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new HarnessError('--name holds a control character (a newline, tab or escape): give the name on one line');
  return name;
}
