import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { BlobContainer } from './blob-storage.ts';

/**
 * Each output file a run wrote under `outputDir` must be in the blob container at the same relative
 * path with the same size; `missing` names every one that is not, and why.
 */
export async function publishedOutputs(blob: BlobContainer, outputDir: string, files: readonly string[]): Promise<{ found: number; missing: string[] }> {
  const listed = await blob.list('');
  const missing: string[] = [];
  for (const file of files) {
    const name = relative(outputDir, file).split(sep).join('/');
    const size = listed.get(name);
    const bytes = (await stat(file)).size;
    if (size === undefined) missing.push(`${name} (not in container ${blob.name})`);
    else if (size !== bytes) missing.push(`${name} (${size} bytes in blob storage, ${bytes} on disk)`);
  }
  return { found: files.length - missing.length, missing };
}
