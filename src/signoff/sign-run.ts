import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redactor } from '../redaction/redactor.ts';
import { writeReportFile } from '../journal/journal-files.ts';
import { HarnessError } from '../errors.ts';
import { manifestName, signoffFolder, verifyManifest, writeManifest, type Verification } from '../evidence/manifest.ts';
import { renderChecklist } from '../report/checklist.ts';
import { requireChromium } from '../report/chromium.ts';
import { reportHtmlName, reportPdfName, writeReport } from '../report/write-report.ts';
import { readJournal } from '../journal/journal-files.ts';
import type { TrendOptions } from '../history/trend.ts';
import { isSignOffRole, signOffRoles, type Signature } from './signature.ts';
import { readSignatures, signatureFiles, signoffFileName, writeSignatures } from './signoff-file.ts';
import { keyFingerprint, signData, sshKeygen } from './ssh-keygen.ts';

export interface SignRunOptions {
  runDir: string;
  role: string;
  /** The signer's name: required for a typed sign-off; with a key, defaults to the key's comment. */
  name?: string;
  /** An ssh private key: the sign-off becomes an ssh signature of manifest.sha256. */
  key?: string;
  historyFile?: string;
  trend?: TrendOptions;
  clock?: () => Date;
  env?: NodeJS.ProcessEnv;
}

export type SignResult = { signed: true; signature: Signature; files: number; rendered: string[]; signatureFile?: string } | { signed: false; verification: Verification };

/**
 * Records a signature: only on a run that verifies against its manifest (a signature on evidence
 * changed after the run would vouch for something nobody measured). Then checklist.md, report.html
 * (and report.pdf, if the run has one) show it, and the manifest is sealed again over them. With a
 * key, that new manifest is then signed (`ssh-keygen -Y sign`), so the signature covers the
 * evidence, the journal and the sign-off block that names the signer; if signing fails, every file
 * is put back as it was.
 */
export async function signRun(options: SignRunOptions): Promise<SignResult> {
  const { runDir, clock = () => new Date(), env = process.env } = options;
  const role = options.role.trim().toLowerCase();
  if (!isSignOffRole(role)) throw new HarnessError(`unknown role '${options.role}' given by --role (known: ${signOffRoles.join(', ')})`);
  const keygen = sshKeygen(env);
  const key = options.key === undefined ? undefined : await keyFingerprint(keygen, options.key);
  if (!key && options.name === undefined) throw new HarnessError('give --key <ssh private key> (a verifiable signature) or --name "…" (an unverified typed name)');
  const name = options.name !== undefined ? checkName(options.name) : key?.comment || `ssh key ${key?.fingerprint}`;
  const journal = await readJournal(runDir);

  const verification = await verifyManifest(runDir);
  if (!verification.ok) return { signed: false, verification };

  const hasPdf = await access(join(runDir, reportPdfName)).then(
    () => true,
    () => false,
  );
  const signature: Signature = { role, name, signedAt: clock().toISOString(), ...(key ? { method: 'ssh' as const, fingerprint: key.fingerprint } : {}) };
  const signatures = [...(await readSignatures(runDir)), signature];
  const redactor = new Redactor();
  // A PDF left showing the run unsigned would contradict the HTML: with one present, Chromium is
  // required, and checked before signoff.json is touched so a refusal changes nothing.
  if (hasPdf) await requireChromium(env);
  const files = signatureFiles(role);
  const before = await snapshot(runDir, [signoffFileName, 'checklist.md', reportHtmlName, reportPdfName, manifestName, files.signature, files.manifest]);
  try {
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
    const sealed = await writeManifest(runDir);
    const rendered = ['checklist.md', reportHtmlName, ...(report.pdf ? [reportPdfName] : [])];
    if (!options.key) return { signed: true, signature, files: sealed.files.length, rendered };
    const manifest = await readFile(sealed.path, 'utf8');
    const armoured = await signData(keygen, options.key, manifest);
    await mkdir(join(runDir, signoffFolder), { recursive: true });
    await writeFile(join(runDir, files.manifest), manifest);
    await writeFile(join(runDir, files.signature), armoured);
    return { signed: true, signature, files: sealed.files.length, rendered, signatureFile: join(runDir, files.signature) };
  } catch (error) {
    await restore(runDir, before);
    throw error;
  }
}

type Snapshot = Map<string, Buffer | undefined>;

async function snapshot(runDir: string, names: string[]): Promise<Snapshot> {
  const taken: Snapshot = new Map();
  for (const name of names) taken.set(name, await readFile(join(runDir, name)).catch(() => undefined));
  return taken;
}

async function restore(runDir: string, taken: Snapshot): Promise<void> {
  for (const [name, content] of taken) {
    if (content === undefined) await rm(join(runDir, name), { force: true });
    else await writeFile(join(runDir, name), content);
  }
}

function checkName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new HarnessError('--name is empty: give the signer\'s name, e.g. --name "Jane Doe"');
  if (name.length > 200) throw new HarnessError(`--name is ${name.length} characters long: at most 200`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new HarnessError('--name holds a control character (a newline, tab or escape): give the name on one line');
  return name;
}
