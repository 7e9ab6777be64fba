import { readFileSync, readdirSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TypeScript from 'typescript';
import { describe, expect, it } from 'vitest';

const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  files: string[];
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Every package the published JavaScript (dist/ as the test run built it, bin/) imports or requires, with an importer. */
function importedPackages(): Map<string, string> {
  const shipped = manifest.files.flatMap((dir) => walk(join(root, dir))).filter((f) => /\.(m?js)$/.test(f));
  const packages = new Map<string, string>();
  for (const file of shipped) {
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.') || fileName.startsWith('/') || fileName.startsWith('file:') || isBuiltin(fileName)) continue;
      packages.set(packageName(fileName), file.slice(root.length));
    }
  }
  return packages;
}

/**
 * An installed harness has its dependencies only: a package the published code imports that is a
 * devDependency crashes a user's run at import. Azurite (loaded by path, only for blob: { kind: 'azurite' })
 * and typescript (loaded on first use, only to build the reference images from a checkout) are
 * devDependencies on purpose.
 */
describe('runtime dependencies of the published package', () => {
  it('every package dist/ and bin/ import is a dependency', () => {
    const runtime = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.optionalDependencies ?? {})]);
    const imported = importedPackages();
    expect(imported.size).toBeGreaterThan(10);
    const missing = [...imported].filter(([name]) => !runtime.has(name)).map(([name, file]) => `${name} (imported by ${file})`);
    expect(missing).toEqual([]);
  });

  it('azurite and typescript stay out of what the published code imports', () => {
    const imported = importedPackages();
    expect(imported.has('azurite')).toBe(false);
    expect(imported.has('typescript')).toBe(false);
    expect(Object.keys(manifest.devDependencies)).toEqual(expect.arrayContaining(['azurite', 'typescript', 'hyparquet-writer']));
  });
});
