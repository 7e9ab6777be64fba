import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Regular files under `dir`, recursively, symlinks followed (a dangling one is skipped). `skip` prunes
 * entries by name: nested node_modules, for instance, which a package closure lists on its own.
 */
export function walkFiles(dir: string, skip: (name: string, isDirectory: boolean) => boolean = () => false): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = statSync(path, { throwIfNoEntry: false });
      isDirectory = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (skip(entry.name, isDirectory)) continue;
    if (isDirectory) files.push(...walkFiles(path, skip));
    else if (isFile) files.push(path);
  }
  return files.sort();
}
