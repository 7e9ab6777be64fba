import { ensureImages } from '../../../containers/build/ensure-images.ts';
import { imageRecipes } from '../../../containers/build/recipes.ts';
import { recipesFor } from './reference-images.ts';

/**
 * A session's `prepare`: builds those of `images` that are reference images and missing or stale
 * (`npm run images` recipes), with progress lines; images of the user's own are left alone.
 */
export async function prepareImages(images: string[], options: { progress: (line: string) => void; signal: AbortSignal }): Promise<void> {
  const recipes = recipesFor(images, imageRecipes());
  if (recipes.length === 0) return;
  const started = performance.now();
  const outcomes = await ensureImages({ recipes, signal: options.signal, progress: (line) => options.progress(`images: ${line}`) });
  const built = outcomes.filter((o) => o.action === 'built').map((o) => o.image);
  options.progress(`images: ${built.length > 0 ? `built ${built.join(', ')}` : 'all up to date'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
