import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { HarnessError, errorMessage } from '../errors.ts';
import { isSignOffRole, type SignOffRole } from './signature.ts';

/** One line of an OpenSSH allowed_signers file: `principals [options] keytype base64 [comment]`. */
export interface AllowedSigner {
  principals: string[];
  keyType: string;
  /** `SHA256:…`, as ssh-keygen prints it. */
  fingerprint: string;
  line: number;
}

/**
 * Parses allowed_signers (ssh-keygen(1), "ALLOWED SIGNERS"). The harness's convention: a principal
 * that is a role name (engineering, operations, management) says who may sign for that role, and
 * every role so listed must have a good signature for the run to verify.
 */
export function parseAllowedSigners(text: string, origin: string): AllowedSigner[] {
  const signers: AllowedSigner[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = splitFields(line);
    // The key type is the first field after the principals that names one (options come between).
    const at = fields.findIndex((f, i) => i > 0 && /^(ssh-|ecdsa-|sk-)/.test(f));
    const blob = at > 0 ? fields[at + 1] : undefined;
    if (at < 0 || !blob || !/^[A-Za-z0-9+/]+=*$/.test(blob)) throw new HarnessError(`${origin}:${index + 1}: not "<principals> [options] <key type> <base64 key>"`);
    const fingerprint = `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
    signers.push({ principals: fields[0]!.split(','), keyType: fields[at]!, fingerprint, line: index + 1 });
  });
  return signers;
}

export async function readAllowedSigners(file: string): Promise<AllowedSigner[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HarnessError(`--allowed-signers ${file} cannot be read: ${errorMessage(error)}`);
  }
  return parseAllowedSigners(text, file);
}

/** The roles the file names as principals: each must be signed. */
export function rolesListed(signers: readonly AllowedSigner[]): SignOffRole[] {
  return [...new Set(signers.flatMap((s) => s.principals).filter(isSignOffRole))];
}

/** Fingerprints of the keys allowed to sign for `role`. */
export function keysFor(signers: readonly AllowedSigner[], role: SignOffRole): string[] {
  return signers.filter((s) => s.principals.includes(role)).map((s) => s.fingerprint);
}

/** Whitespace-separated fields; an options field may hold a quoted value with spaces (namespaces="a b"). */
function splitFields(line: string): string[] {
  return line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}
