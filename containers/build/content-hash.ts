import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { ContextFile, ImageInputs } from './image-inputs.ts';

export const CONTENT_HASH_LABEL = 'org.rollback-drill.content-hash';

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash of one file: its target path, whether it is executable, and its bytes. */
async function fileDigest(file: ContextFile): Promise<string> {
  if ('content' in file) return `${file.target}\0-\0${sha256(file.content)}`;
  const [info, bytes] = await Promise.all([stat(file.source), readFile(file.source)]);
  return `${file.target}\0${info.mode & 0o111 ? 'x' : '-'}\0${sha256(bytes)}`;
}

/** sha256 over an image's inputs, independent of their order and of where the sources sit on disk. */
export async function contentHash(inputs: ImageInputs): Promise<string> {
  const files = await Promise.all(inputs.files.map(fileDigest));
  const directories = inputs.directories.map((d) => `${d.target}\0${d.mode.toString(8)}`);
  const parts = [...inputs.facts.map((fact) => `fact\0${fact}`), ...directories.sort().map((d) => `dir\0${d}`), ...files.sort().map((f) => `file\0${f}`)];
  return sha256(parts.join('\n'));
}
