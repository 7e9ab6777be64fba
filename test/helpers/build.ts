import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaSync } from 'execa';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The bin runs the compiled dist/, which `npm ci` builds; a source edited since would be tested
 * stale, so the build runs again when any source the build reads is newer than its last output.
 */
export function ensureBuilt(): void {
  const stamp = statSync(join(repoRoot, 'dist', 'config.schema.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = [...walk(join(repoRoot, 'src')), ...walk(join(repoRoot, 'containers', 'build')), join(repoRoot, 'tsconfig.build.json'), join(repoRoot, 'package.json')];
  if (sources.every((file) => statSync(file).mtimeMs <= stamp)) return;
  execaSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [] : [join(dir, e.name)]));
}
