import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/drill.js', import.meta.url));

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

ensureBuilt();

/** Runs the real CLI as a user would (`drill …`), in its own process. */
export function drill(args: string[], env: Record<string, string> = {}, options: { cwd?: string } = {}) {
  return execa(process.execPath, [bin, ...args], { cwd: options.cwd ?? repoRoot, env: { FORCE_COLOR: '0', ...env }, reject: false, all: true, stdin: 'ignore' } as const);
}

/** Resolves with the output so far once it contains `needle` (or matches it); rejects if the drill ends first. */
export function untilOutput(child: ReturnType<typeof drill>, needle: string | RegExp): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (typeof needle === 'string' ? output.includes(needle) : needle.test(output)) resolve(output);
    });
    void child.then(() => reject(new Error(`drill ended before its output showed ${String(needle)}:\n${output}`)));
  });
}
