import { execa } from 'execa';
import { HarnessError } from '../../src/errors.ts';

/**
 * The absolute paths in `ldd` output, at the paths the dynamic loader looks for them (symlinks are followed
 * when copied). linux-vdso is provided by the kernel and has no file.
 */
export function parseLdd(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match?.[1]) paths.add(match[1]);
    else if (/not found/.test(line)) throw new HarnessError(`ldd cannot resolve a library: ${line.trim()}`);
  }
  return [...paths];
}

export async function sharedLibraries(binary: string, run = execa): Promise<string[]> {
  const result = await run('ldd', [binary], { reject: false });
  if (result.failed) throw new HarnessError(`ldd ${binary} failed: ${result.stderr || result.stdout}`);
  return parseLdd(result.stdout);
}
