import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffManifest, parseManifest } from '../evidence/manifest-format.ts';
import { keysFor, rolesListed, type AllowedSigner } from './allowed-signers.ts';
import { currentSignatures, roleLabels, signOffRoles, type SignOffRole, type Signature } from './signature.ts';
import { signatureFiles, signoffFileName } from './signoff-file.ts';
import { checkSignature, verifySignature, type SshKeygen } from './ssh-keygen.ts';

/**
 * verified: a good ssh signature by a key allowed_signers lists for the role, over a manifest
 * that still describes the run. intact: the same without --allowed-signers (who signed is not
 * checked). unverified: a typed name. missing: not signed. bad: a signature that does not hold.
 */
export type RoleStatus = 'verified' | 'intact' | 'unverified' | 'missing' | 'bad';

export interface RoleCheck {
  role: SignOffRole;
  /** The principal looked up in allowed_signers: the role itself. */
  identity: string;
  status: RoleStatus;
  /** allowed_signers names the role: anything but `verified` fails verification. */
  required: boolean;
  name?: string;
  signedAt?: string;
  fingerprint?: string;
  why?: string;
}

export interface SignoffVerification {
  ok: boolean;
  roles: RoleCheck[];
}

export interface VerifySignoffsOptions {
  runDir: string;
  signatures: readonly Signature[];
  /** path → sha256 of the run's files now (manifest and signoff/ excluded). */
  now: ReadonlyMap<string, string>;
  allowedSigners?: { file: string; signers: AllowedSigner[] };
  keygen: SshKeygen;
}

/**
 * Files every later sign-off rewrites (the Sign-Off block and the audit trail): an earlier
 * signature may differ from the run there only if a later ssh signature covers them.
 */
const rewrittenBySignoff = new Set([signoffFileName, 'checklist.md', 'report.html', 'report.pdf']);

export async function verifySignoffs(options: VerifySignoffsOptions): Promise<SignoffVerification> {
  const { signatures, allowedSigners } = options;
  const current = currentSignatures(signatures);
  const required = new Set(allowedSigners ? rolesListed(allowedSigners.signers) : []);
  const order = (s: Signature) => signatures.lastIndexOf(s);
  const roles: RoleCheck[] = [];
  for (const role of signOffRoles) {
    const signature = current[role];
    const base = { role, identity: role, required: required.has(role) };
    if (!signature) {
      roles.push({ ...base, status: 'missing', ...(base.required ? { why: `no signature, and ${allowedSigners?.file} lists ${role}` } : {}) });
      continue;
    }
    const who = { name: signature.name, signedAt: signature.signedAt };
    if (signature.method !== 'ssh') {
      roles.push({
        ...base,
        ...who,
        status: 'unverified',
        ...(base.required ? { why: `a typed name only (unverified), and ${allowedSigners?.file} lists ${role}: sign with --key` } : {}),
      });
      continue;
    }
    const later = Object.values(current).filter((s) => s !== signature && order(s) > order(signature));
    const coveredLater = later.some((s) => s.method === 'ssh');
    const laterTyped = later.filter((s) => s.method !== 'ssh');
    const check = await checkOne({ ...options, role, signature, coveredLater, laterTyped });
    roles.push({ ...base, ...who, fingerprint: signature.fingerprint!, ...check });
  }
  const ok = roles.every((r) => r.status !== 'bad' && (!r.required || r.status === 'verified'));
  return { ok, roles };
}

async function checkOne(
  options: VerifySignoffsOptions & { role: SignOffRole; signature: Signature; coveredLater: boolean; laterTyped: Signature[] },
): Promise<Pick<RoleCheck, 'status' | 'why'>> {
  const { runDir, role, signature, keygen, allowedSigners } = options;
  const files = signatureFiles(role);
  const signedManifest = await readFile(join(runDir, files.manifest), 'utf8').catch(() => undefined);
  if (signedManifest === undefined) return { status: 'bad', why: `${files.manifest} (the manifest it signed) is missing` };
  const signatureFile = join(runDir, files.signature);
  const sig = await readFile(signatureFile, 'utf8').catch(() => undefined);
  if (sig === undefined) return { status: 'bad', why: `${files.signature} is missing` };

  const intact = await checkSignature(keygen, signatureFile, signedManifest);
  if (!intact.ok) return { status: 'bad', why: `${files.signature} is not a good signature of ${files.manifest}: ${intact.why}` };
  if (intact.fingerprint !== signature.fingerprint) {
    return { status: 'bad', why: `made with ssh key ${intact.fingerprint}, but ${signoffFileName} records ${signature.fingerprint}` };
  }
  if (allowedSigners) {
    const verdict = await verifySignature(keygen, allowedSigners.file, role, signatureFile, signedManifest);
    if (!verdict.ok) {
      const allowed = keysFor(allowedSigners.signers, role);
      const why = allowed.length
        ? `signed with ssh key ${intact.fingerprint}, which ${allowedSigners.file} does not allow for ${role} (allowed: ${allowed.join(', ')})`
        : `${allowedSigners.file} lists no key for ${role}`;
      return { status: 'bad', why: `${why} — ssh-keygen: ${verdict.output}` };
    }
  }

  const { entries, malformed } = parseManifest(signedManifest);
  if (malformed.length) return { status: 'bad', why: `${files.manifest}: ${malformed.join('; ')}` };
  const diff = diffManifest(entries, options.now);
  const describe = (kind: string, paths: string[]) => paths.filter((p) => !(options.coveredLater && rewrittenBySignoff.has(p))).map((p) => `${kind} ${p}`);
  const since = [...describe('changed', diff.changed), ...describe('added', diff.added), ...describe('removed', diff.removed)];
  if (since.length) {
    const typed =
      options.laterTyped.length && !options.coveredLater
        ? ` (a later typed sign-off re-rendered the Sign-Off block: ${options.laterTyped.map((s) => `${roleLabels[s.role]} ${s.signedAt}`).join(', ')}; sign again with --key to cover it)`
        : '';
    return { status: 'bad', why: `the run is not as ${role} signed it: ${since.join(', ')}${typed}` };
  }
  return allowedSigners ? { status: 'verified' } : { status: 'intact', why: 'signature good, signer not checked: pass --allowed-signers' };
}
