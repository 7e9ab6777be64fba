import { existsSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, resolve } from 'node:path';
import type * as TypeScript from 'typescript';
import { HarnessError } from '../../src/errors.ts';

export interface ImportTrace {
  /** Absolute paths of the entry and every module it reaches through relative imports. */
  readonly files: string[];
  /** Names of the npm packages those modules import (`pg`, `@scope/name`), sorted. */
  readonly packages: string[];
}

export interface SourceFiles {
  read(path: string): string;
  exists(path: string): boolean;
}

// typescript is a devDependency, loaded on first use: only building the reference images (from a checkout,
// where it is installed) traces imports, while an installed harness's docker target imports this module too.
let ts: typeof TypeScript | undefined;
const typescript = (): typeof TypeScript => (ts ??= createRequire(import.meta.url)('typescript') as typeof TypeScript);

const realFiles: SourceFiles = { read: (path) => readFileSync(path, 'utf8'), exists: existsSync };

export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function resolveRelative(from: string, specifier: string, files: SourceFiles): string {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`];
  const found = candidates.find((candidate) => /\.[cm]?[jt]s$|\.json$/.test(candidate) && files.exists(candidate));
  if (!found) throw new HarnessError(`cannot resolve '${specifier}' imported by ${from}`);
  return found;
}

/**
 * Follows static and dynamic imports from `entry` with TypeScript's own pre-processor (no type check), so
 * an image holds the modules the program can load and the packages it names, not the whole repository.
 * Type-only imports count too: harmless, at most a package more.
 */
export function traceImports(entry: string, files: SourceFiles = realFiles): ImportTrace {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolve(entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.json')) continue;
    const { importedFiles } = typescript().preProcessFile(files.read(file), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.') || specifier.startsWith('/')) pending.push(resolveRelative(file, specifier, files));
      else if (!isBuiltin(specifier)) packages.add(packageName(specifier));
    }
  }
  return { files: [...seen].sort(), packages: [...packages].sort() };
}
