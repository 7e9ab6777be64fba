import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from '../../src/errors.ts';
import { CONTENT_HASH_LABEL, contentHash } from './content-hash.ts';
import { DockerEngine, type Progress } from './docker-engine.ts';
import type { ImageRecipe } from './image-recipe.ts';
import { imageRecipes } from './recipes.ts';

export interface ImageOutcome {
  readonly image: string;
  readonly contentHash: string;
  readonly action: 'up-to-date' | 'built';
  readonly seconds: number;
}

export interface EnsureImagesOptions {
  readonly recipes?: readonly ImageRecipe[];
  readonly docker?: DockerEngine;
  readonly progress?: Progress;
  readonly clock?: () => number;
  /** Stops between images, and kills a build in progress (Ctrl-C of a drill). */
  readonly signal?: AbortSignal;
}

const short = (hash: string): string => hash.slice(0, 12);

/**
 * Builds every image whose content-hash label differs from the hash of its inputs (or that is missing), in
 * dependency order; an image whose label matches is left alone. Throws a HarnessError when no engine answers
 * or a build fails, naming the image.
 */
export async function ensureImages(options: EnsureImagesOptions = {}): Promise<ImageOutcome[]> {
  const { recipes = imageRecipes(), docker = new DockerEngine(), progress = () => {}, clock = performance.now.bind(performance) } = options;
  progress(`engine: Docker ${await docker.serverVersion()}`);
  const hashes = new Map<string, string>();
  const outcomes: ImageOutcome[] = [];
  for (const recipe of recipes) {
    options.signal?.throwIfAborted();
    const started = clock();
    const parentHash = recipe.parent === undefined ? undefined : hashes.get(recipe.parent);
    if (recipe.parent !== undefined && parentHash === undefined) {
      throw new HarnessError(`${recipe.image} is built FROM ${recipe.parent}, which no recipe before it makes`);
    }
    const inputs = await recipe.inputs();
    const withParent = parentHash ? { ...inputs, facts: [...inputs.facts, `FROM ${recipe.parent}@${parentHash}`] } : inputs;
    const hash = await contentHash(withParent);
    hashes.set(recipe.image, hash);
    const current = await docker.imageLabel(recipe.image, CONTENT_HASH_LABEL);
    if (current === hash) {
      outcomes.push({ image: recipe.image, contentHash: hash, action: 'up-to-date', seconds: (clock() - started) / 1000 });
      progress(`${recipe.image}: up to date (${short(hash)})`);
      continue;
    }
    progress(`${recipe.image}: building ${short(hash)} (${current ? `inputs changed since ${short(current)}` : 'missing'})`);
    const workDir = await mkdtemp(join(tmpdir(), `${recipe.image}-`));
    try {
      const prefix = (line: string): void => progress(`${recipe.image}:   ${line}`);
      await recipe.build({
        inputs: withParent,
        tag: recipe.image,
        labels: { [CONTENT_HASH_LABEL]: hash },
        docker,
        workDir,
        progress: prefix,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
    const seconds = (clock() - started) / 1000;
    outcomes.push({ image: recipe.image, contentHash: hash, action: 'built', seconds });
    progress(`${recipe.image}: built in ${seconds.toFixed(1)} s`);
  }
  if (outcomes.some((outcome) => outcome.action === 'built')) await docker.pruneDangling(CONTENT_HASH_LABEL);
  return outcomes;
}
