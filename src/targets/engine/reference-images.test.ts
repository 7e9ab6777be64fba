import { describe, expect, it } from 'vitest';
import type { ImageRecipe } from '../../../containers/build/image-recipe.ts';
import { recipesFor } from './reference-images.ts';

const recipe = (image: string, parent?: string): ImageRecipe => ({
  image,
  parent,
  inputs: () => Promise.reject(new Error('not used')),
  build: () => Promise.reject(new Error('not used')),
});
const catalogue = [recipe('debian'), recipe('postgres', 'debian'), recipe('node'), recipe('v1', 'node'), recipe('v2', 'node')];
const names = (recipes: ImageRecipe[]) => recipes.map((r) => r.image);

describe('recipesFor', () => {
  it('takes the named images and their parents, in the catalogue order', () => {
    expect(names(recipesFor(['v2:latest', 'postgres'], catalogue))).toEqual(['debian', 'postgres', 'node', 'v2']);
  });

  it('leaves out images no recipe makes (a user image) and tagged versions other than latest', () => {
    expect(names(recipesFor(['acme/pipeline:1.4', 'v1:1.0'], catalogue))).toEqual([]);
  });
});
