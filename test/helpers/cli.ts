import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/drill.js', import.meta.url));

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
