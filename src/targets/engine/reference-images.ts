import type { ImageRecipe } from '../../../containers/build/image-recipe.ts';

const untagged = (image: string) => image.replace(/:latest$/, '');

/**
 * The recipes (containers/) that make the given images, with the parents they are built FROM,
 * in build order. Images no recipe makes (a user's own) are the user's to provide.
 */
export function recipesFor(images: readonly string[], recipes: readonly ImageRecipe[]): ImageRecipe[] {
  const byImage = new Map(recipes.map((recipe) => [recipe.image, recipe]));
  const wanted = new Set<string>();
  const want = (image: string): void => {
    const recipe = byImage.get(image);
    if (!recipe || wanted.has(image)) return;
    wanted.add(image);
    if (recipe.parent) want(recipe.parent);
  };
  for (const image of images) want(untagged(image));
  return recipes.filter((recipe) => wanted.has(recipe.image));
}
