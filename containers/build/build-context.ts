import { chmod, copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageInputs } from './image-inputs.ts';

/** Writes a build context into `dir`: each file at its target (modes kept, symlinks followed) and each directory. */
export async function writeBuildContext(inputs: ImageInputs, dir: string): Promise<void> {
  for (const directory of inputs.directories) {
    const path = join(dir, directory.target);
    await mkdir(path, { recursive: true });
    await chmod(path, directory.mode);
  }
  const created = new Set<string>();
  for (const file of inputs.files) {
    const path = join(dir, file.target);
    const parent = dirname(path);
    if (!created.has(parent)) {
      await mkdir(parent, { recursive: true });
      created.add(parent);
    }
    if ('content' in file) {
      await writeFile(path, file.content);
    } else {
      await copyFile(file.source, path);
      await chmod(path, (await stat(file.source)).mode & 0o7777);
    }
  }
}
