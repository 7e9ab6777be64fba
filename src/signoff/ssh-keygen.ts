import { spawn } from 'node:child_process';
import { HarnessError } from '../errors.ts';
import { signatureNamespace } from './signature.ts';

/**
 * OpenSSH's own signing (`ssh-keygen -Y`, OpenSSH ≥ 8.1): the signer needs nothing but the key
 * they already log in with, and anyone can check a run with ssh-keygen alone. Data goes through
 * stdin, arguments as an array; a private key's content is never read by the harness.
 */
export interface SshKeygen {
  /** `ssh-keygen`, or DRILL_SSH_KEYGEN. */
  program: string;
}

export function sshKeygen(env: NodeJS.ProcessEnv = process.env): SshKeygen {
  return { program: env['DRILL_SSH_KEYGEN'] ?? 'ssh-keygen' };
}

/**
 * node:child_process rather than execa here: `drill verify` runs ssh-keygen twice per signature and
 * must start in well under 300 ms, and importing execa alone costs ~100 ms of CPU and 16 MB.
 * Arguments are still an array, never a shell string.
 */
function run(keygen: SshKeygen, args: string[], input = ''): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(keygen.program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new HarnessError(`${keygen.program} not found: ssh sign-offs need OpenSSH's ssh-keygen (apt-get install -y openssh-client)`));
      else reject(error);
    });
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : -1), stdout: stdout.trimEnd(), stderr: stderr.trimEnd() }));
    // ssh-keygen may exit before reading its input (a bad key): that EPIPE is not the error to report.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** The key's fingerprint and comment, from the private key file (`ssh-keygen -l -f`). Bad input (exit 3) when it is no key. */
export async function keyFingerprint(keygen: SshKeygen, keyFile: string): Promise<{ fingerprint: string; comment: string }> {
  const result = await run(keygen, ['-l', '-E', 'sha256', '-f', keyFile]);
  const match = /^\d+ (SHA256:\S+) (.*) \(([A-Z0-9-]+)\)$/.exec(result.stdout.trim());
  if (result.exitCode !== 0 || !match) throw new HarnessError(`--key ${keyFile} is not a readable ssh key: ${oneLine(result.stderr || result.stdout)}`);
  return { fingerprint: match[1]!, comment: match[2] === 'no comment' ? '' : match[2]! };
}

/** `ssh-keygen -Y sign -f <key> -n rollback-drill` over `data`: the armoured signature. */
export async function signData(keygen: SshKeygen, keyFile: string, data: string): Promise<string> {
  const result = await run(keygen, ['-Y', 'sign', '-f', keyFile, '-n', signatureNamespace], data);
  if (result.exitCode !== 0 || !result.stdout.includes('BEGIN SSH SIGNATURE')) {
    throw new HarnessError(
      `ssh-keygen -Y sign with ${keyFile} failed (exit ${result.exitCode}): ${oneLine(result.stderr) || 'no message'} (a key with a passphrase needs ssh-agent)`,
    );
  }
  return `${result.stdout}\n`;
}

export type SignatureCheck = { ok: true; fingerprint: string } | { ok: false; why: string };

/** Is `signature` a good rollback-drill signature over `data`, whoever made it? (`-Y check-novalidate`) */
export async function checkSignature(keygen: SshKeygen, signatureFile: string, data: string): Promise<SignatureCheck> {
  const result = await run(keygen, ['-Y', 'check-novalidate', '-n', signatureNamespace, '-s', signatureFile], data);
  const fingerprint = /key (SHA256:\S+)/.exec(result.stdout)?.[1];
  if (result.exitCode === 0 && fingerprint) return { ok: true, fingerprint };
  return { ok: false, why: oneLine(result.stderr.replace(/^Signing data on standard input\s*/m, '')) || oneLine(result.stdout) || `ssh-keygen exit ${result.exitCode}` };
}

/** `ssh-keygen -Y verify -f <allowed_signers> -I <identity> -n rollback-drill -s <sig>` over `data`. */
export async function verifySignature(keygen: SshKeygen, allowedSigners: string, identity: string, signatureFile: string, data: string): Promise<{ ok: boolean; output: string }> {
  const result = await run(keygen, ['-Y', 'verify', '-f', allowedSigners, '-I', identity, '-n', signatureNamespace, '-s', signatureFile], data);
  return { ok: result.exitCode === 0, output: oneLine([result.stdout, result.stderr].filter(Boolean).join(' ')) };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
