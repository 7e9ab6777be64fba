import { describe, expect, it } from 'vitest';
import { packageClosure, type PackageLookup } from './package-closure.ts';

type Manifests = Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;

function lookup(manifests: Manifests): PackageLookup {
  return {
    exists: (path) => path.replace(/\/package\.json$/, '') in manifests,
    manifest: (dir) => manifests[dir] ?? {},
  };
}

describe('packageClosure', () => {
  it('walks dependencies, prefers a nested copy, and keeps only installed optional ones', () => {
    const closure = packageClosure(
      ['tsx', 'pg'],
      '/r',
      lookup({
        '/r/node_modules/tsx': { dependencies: { esbuild: '~0.28' }, optionalDependencies: { fsevents: '2' } },
        '/r/node_modules/esbuild': { optionalDependencies: { '@esbuild/linux-x64': '0.28', '@esbuild/darwin-arm64': '0.28' } },
        '/r/node_modules/@esbuild/linux-x64': {},
        '/r/node_modules/pg': { dependencies: { 'pg-types': '2' } },
        '/r/node_modules/pg/node_modules/pg-types': {},
        '/r/node_modules/pg-types': {},
      }),
    );
    expect(closure).toEqual([
      '/r/node_modules/@esbuild/linux-x64',
      '/r/node_modules/esbuild',
      '/r/node_modules/pg',
      '/r/node_modules/pg/node_modules/pg-types',
      '/r/node_modules/tsx',
    ]);
  });

  it('names a missing required dependency and who needs it', () => {
    expect(() => packageClosure(['pg'], '/r', lookup({ '/r/node_modules/pg': { dependencies: { split2: '4' } } }))).toThrow(
      "package 'split2' (needed by pg) is not installed under /r: run npm ci",
    );
  });
});
