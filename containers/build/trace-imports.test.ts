import { describe, expect, it } from 'vitest';
import { packageName, traceImports, type SourceFiles } from './trace-imports.ts';

function files(sources: Record<string, string>): SourceFiles {
  return { read: (path) => sources[path] ?? '', exists: (path) => path in sources };
}

describe('traceImports', () => {
  it('follows relative imports (static, dynamic, re-exports) and collects packages but not builtins', () => {
    const trace = traceImports(
      '/r/app/main.ts',
      files({
        '/r/app/main.ts': "import { a } from './a.ts';\nimport pg from 'pg';\nimport { readFileSync } from 'node:fs';",
        '/r/app/a.ts': "export * from '../lib/b.ts';\nconst y = await import('yaml');\nimport path from 'path';",
        '/r/lib/b.ts': "import type { Z } from '@scope/zed/sub';\nimport { a } from '../app/a.ts';",
      }),
    );
    expect(trace.files).toEqual(['/r/app/a.ts', '/r/app/main.ts', '/r/lib/b.ts']);
    expect(trace.packages).toEqual(['@scope/zed', 'pg', 'yaml']);
  });

  it('names the importer of a module that does not exist', () => {
    expect(() => traceImports('/r/main.ts', files({ '/r/main.ts': "import './gone.ts';" }))).toThrow("cannot resolve './gone.ts' imported by /r/main.ts");
  });

  it('takes the package from a deep or scoped specifier', () => {
    expect(packageName('hyparquet-writer/src/x.js')).toBe('hyparquet-writer');
    expect(packageName('@esbuild/linux-x64')).toBe('@esbuild/linux-x64');
  });
});
