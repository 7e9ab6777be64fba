import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { sha256File } from './hash-file.ts';
import { listFiles } from './list-files.ts';
import { diffManifest, formatManifest, parseManifest, type ManifestDiff } from './manifest-format.ts';

export const manifestName = 'manifest.sha256';
/**
 * Where ssh sign-offs live. Their two files are never sealed: a signature made over
 * manifest.sha256 cannot be listed in it; `drill verify` checks each against the copy of the
 * manifest it signed. Anything else put in the folder is sealed like every other file.
 */
export const signoffFolder = 'signoff';
const unsealed = new RegExp(`^${signoffFolder}/[a-z]+\\.(sig|${manifestName.replace('.', '\\.')})$`);

export interface SealedFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface Verification extends ManifestDiff {
  runDir: string;
  /** False when the folder has no manifest: the run was never sealed, so nothing can be proven. */
  sealed: boolean;
  malformed: string[];
  /** Files the manifest lists. */
  files: number;
  ok: boolean;
}

/**
 * Seals a run: the sha256 of every file below runDir except the manifest itself, with paths
 * relative to runDir so that a copy of the folder (reports/latest) verifies as well. Written
 * last, and through a temporary name, so a crash never leaves a half-written manifest.
 */
export async function writeManifest(runDir: string): Promise<{ path: string; files: SealedFile[] }> {
  const files = await hashRunFiles(runDir);
  const path = join(runDir, manifestName);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, formatManifest(files));
  await rename(temporary, path);
  return { path, files };
}

/**
 * Recomputes every hash and names each file changed, added or removed since the run was sealed.
 * `now` (from currentHashes) saves hashing the folder twice when the caller needs the hashes too.
 */
export async function verifyManifest(runDir: string, now?: ReadonlyMap<string, string>): Promise<Verification> {
  await requireFolder(runDir);
  const text = await readFile(join(runDir, manifestName), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  now ??= await currentHashes(runDir);
  if (text === undefined) return { runDir, sealed: false, malformed: [], files: 0, changed: [], added: [...now.keys()], removed: [], ok: false };
  const { entries, malformed } = parseManifest(text);
  const diff = diffManifest(entries, now);
  const ok = malformed.length === 0 && diff.changed.length + diff.added.length + diff.removed.length === 0;
  return { runDir, sealed: true, malformed, files: entries.size, ...diff, ok };
}

/** One line per problem, each naming the file: what `drill verify` and a refused `drill sign` print. */
export function describeVerification(v: Verification): string[] {
  if (!v.sealed) return [`${join(v.runDir, manifestName)} is missing: the run was never sealed (\`drill report ${v.runDir}\` seals it)`];
  return [
    ...v.malformed.map((m) => `${manifestName} ${m}`),
    ...v.changed.map((p) => `changed: ${p}`),
    ...v.added.map((p) => `added: ${p}`),
    ...v.removed.map((p) => `removed: ${p}`),
  ];
}

/** path → sha256 of every file a manifest of runDir would list, as they are now. */
export async function currentHashes(runDir: string): Promise<Map<string, string>> {
  await requireFolder(runDir);
  return new Map((await hashRunFiles(runDir)).map((f) => [f.path, f.sha256]));
}

async function hashRunFiles(runDir: string): Promise<SealedFile[]> {
  const paths = (await listFiles(runDir)).filter((p) => p !== manifestName && !unsealed.test(p));
  const files: SealedFile[] = [];
  for (const path of paths) files.push({ path, ...(await sha256File(join(runDir, path))) });
  return files;
}

export async function requireFolder(runDir: string): Promise<void> {
  const info = await stat(runDir).catch(() => undefined);
  if (!info?.isDirectory()) throw new HarnessError(`run folder ${runDir} does not exist or is not a folder`);
}
