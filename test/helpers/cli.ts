import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/drill.js', import.meta.url));

/** Runs the real CLI as a user would (`drill …`), in its own process. */
export function drill(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...env, FORCE_COLOR: '0' }, reject: false, all: true, stdin: 'ignore' } as const);
}
