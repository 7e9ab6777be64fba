import { resolve } from 'node:path';
import { currentHashes, describeVerification, manifestName, verifyManifest } from '../evidence/manifest.ts';
import { readAllowedSigners } from '../signoff/allowed-signers.ts';
import { roleLabels } from '../signoff/signature.ts';
import { readSignatures } from '../signoff/signoff-file.ts';
import { sshKeygen } from '../signoff/ssh-keygen.ts';
import { verifySignoffs, type RoleCheck } from '../signoff/verify-signoffs.ts';
import { processIo, type CommandIo } from './output.ts';

/** Exit codes of `drill verify`; a run folder that does not exist is bad input (3), thrown and mapped by main. */
export const verifyExitCodes = { verified: 0, failed: 1 } as const;

export interface VerifyCommandOptions {
  runDir: string;
  /** OpenSSH allowed_signers: every role it lists as a principal must carry a good ssh signature. */
  allowedSigners?: string;
  json?: boolean;
}

/**
 * `drill verify <runDir> [--allowed-signers <file>]`: recomputes manifest.sha256 and names every
 * file changed, added or removed; then checks each role's sign-off and names every signature that
 * is missing or bad (role, identity, why).
 */
export async function verifyCommand(options: VerifyCommandOptions, io: CommandIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const runDir = resolve(options.runDir);
  const allowedSigners =
    options.allowedSigners === undefined ? undefined : { file: resolve(options.allowedSigners), signers: await readAllowedSigners(resolve(options.allowedSigners)) };
  const now = await currentHashes(runDir);
  const verification = await verifyManifest(runDir, now);
  const signatures = await readSignatures(runDir);
  const signoff = await verifySignoffs({ runDir, signatures, now, keygen: sshKeygen(env), ...(allowedSigners ? { allowedSigners } : {}) });
  const ok = verification.ok && signoff.ok;

  if (options.json) {
    const { runDir: _dir, ...manifest } = verification;
    io.out.write(`${JSON.stringify({ ok, runDir, manifest, signoff: signoff.roles }, null, 2)}\n`);
    return ok ? verifyExitCodes.verified : verifyExitCodes.failed;
  }
  if (verification.ok) io.out.write(`verified: ${verification.files} files of ${runDir} match ${manifestName}\n`);
  else for (const line of describeVerification(verification)) io.err.write(`${line}\n`);
  for (const role of signoff.roles) {
    const line = describeRole(role);
    if (!line) continue;
    const failed = role.status === 'bad' || (role.required && role.status !== 'verified');
    (failed ? io.err : io.out).write(`${line}\n`);
  }
  if (ok) return verifyExitCodes.verified;
  const why = [
    ...(verification.ok ? [] : [verification.sealed ? 'is not as it was sealed' : 'has nothing to verify against']),
    ...(signoff.ok ? [] : ['has a sign-off that does not hold']),
  ];
  io.err.write(`verification FAILED: ${runDir} ${why.join(' and ')}\n`);
  return verifyExitCodes.failed;
}

/** One line per role that is signed or must be: `sign-off engineering (identity engineering): verified — …`. */
function describeRole(r: RoleCheck): string | undefined {
  if (r.status === 'missing' && !r.required) return undefined;
  const who = r.name ? ` ${r.name} at ${r.signedAt}` : '';
  const key = r.fingerprint ? `, ssh key ${r.fingerprint}` : '';
  const label = { verified: 'verified', intact: 'signature intact', unverified: 'unverified (typed name)', missing: 'MISSING', bad: 'BAD' }[r.status];
  return `sign-off ${roleLabels[r.role]} (identity ${r.identity}${key}):${who} — ${label}${r.why ? `: ${r.why}` : ''}`;
}
