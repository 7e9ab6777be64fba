import { writeFile } from 'node:fs/promises';
import { errorMessage } from '../errors.ts';

/** writeFile, with the file named in its error: Node's own message for a failed write (ENOSPC) names none. */
export async function writeNamed(path: string, content: string): Promise<void> {
  await writeFile(path, content).catch((error: unknown) => {
    throw new Error(`cannot write ${path}: ${errorMessage(error)}`);
  });
}
