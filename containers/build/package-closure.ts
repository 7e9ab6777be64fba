import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarnessError } from '../../src/errors.ts';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface PackageLookup {
  exists(path: string): boolean;
  manifest(packageDir: string): Manifest;
}

const realLookup: PackageLookup = {
  exists: existsSync,
  manifest: (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
};

/** Node's lookup: `node_modules/<name>` in `fromDir`, then in each parent up to `root`. */
function resolvePackage(name: string, fromDir: string, root: string, lookup: PackageLookup): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (lookup.exists(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

/**
 * The installed package directories `roots` need at run time: their dependencies, recursively, plus the
 * optional and peer dependencies that are installed (esbuild's platform binary is an optional one).
 * A missing required dependency is an error naming it, not a broken image.
 */
export function packageClosure(roots: readonly string[], root: string, lookup: PackageLookup = realLookup): string[] {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string, requiredBy: string, optional: boolean): void => {
    const dir = resolvePackage(name, fromDir, root, lookup);
    if (!dir) {
      if (optional) return;
      throw new HarnessError(`package '${name}' (needed by ${requiredBy}) is not installed under ${root}: run npm ci`);
    }
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = lookup.manifest(dir);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, name, false);
    for (const dep of Object.keys({ ...manifest.optionalDependencies, ...manifest.peerDependencies })) visit(dep, dir, name, true);
  };
  for (const name of roots) visit(name, root, 'the pipeline', false);
  return [...found].sort();
}
