import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { manifestName, signoffFolder } from '../evidence/manifest.ts';
import { isSignOffRole, type SignOffRole, type Signature } from './signature.ts';

export const signoffFileName = 'signoff.json';

/** Where an ssh sign-off keeps its signature and the exact manifest it signed, relative to the run folder. */
export function signatureFiles(role: SignOffRole): { signature: string; manifest: string } {
  return { signature: `${signoffFolder}/${role}.sig`, manifest: `${signoffFolder}/${role}.${manifestName}` };
}

/** Every signature ever given to this run, oldest first: the audit trail; the latest per role is in force. */
export async function readSignatures(runDir: string): Promise<Signature[]> {
  const path = join(runDir, signoffFileName);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HarnessError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const list = (parsed as { signatures?: unknown } | null)?.signatures;
  if (!Array.isArray(list)) throw new HarnessError(`${path}: expected { "signatures": [ … ] }`);
  return list.map((s: unknown, i) => {
    const v = s as Partial<Signature> | null;
    if (!v || typeof v.role !== 'string' || !isSignOffRole(v.role) || typeof v.name !== 'string' || typeof v.signedAt !== 'string') {
      throw new HarnessError(`${path}: signatures.${i} is not { role, name, signedAt }`);
    }
    if (v.method !== undefined && v.method !== 'ssh')
      throw new HarnessError(`${path}: signatures.${i}.method is '${String(v.method)}': only 'ssh' (or none, a typed name) is known`);
    if (v.method === 'ssh' && typeof v.fingerprint !== 'string') throw new HarnessError(`${path}: signatures.${i} is an ssh signature without its key's fingerprint`);
    return { role: v.role, name: v.name, signedAt: v.signedAt, ...(v.method === 'ssh' ? { method: v.method, fingerprint: v.fingerprint as string } : {}) };
  });
}

export async function writeSignatures(runDir: string, signatures: readonly Signature[]): Promise<string> {
  const path = join(runDir, signoffFileName);
  await writeFile(path, `${JSON.stringify({ signatures }, null, 2)}\n`);
  return path;
}
