import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';

/**
 * Every regular file below `dir`, as a relative path with `/` separators, in code-unit order (the
 * same on every machine). A symlink to a file counts as that file, as `sha256sum` reads it; a
 * symlink to a folder, a socket or a FIFO cannot be sealed by a list of file hashes, so it is an
 * error naming the path rather than a hole in the manifest.
 */
export async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  await walk(dir, '', found);
  return found.sort(byCodeUnit);
}

async function walk(root: string, prefix: string, found: string[]): Promise<void> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(root, rel, found);
    else if (entry.isFile()) found.push(rel);
    else if (entry.isSymbolicLink() && (await stat(join(root, rel)).catch(() => undefined))?.isFile()) found.push(rel);
    else throw new HarnessError(`cannot seal ${join(root, rel)}: not a regular file (a symlink to a folder, a dangling symlink, a socket or a FIFO)`);
  }
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
