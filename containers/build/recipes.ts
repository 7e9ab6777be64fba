import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianBaseRecipe } from './debian-base-recipe.ts';
import type { ImageRecipe } from './image-recipe.ts';
import { nodeBaseRecipe } from './node-base-recipe.ts';
import { ordersRecipe } from './orders-recipe.ts';
import { pipelineRecipe } from './pipeline-recipe.ts';
import { postgresRecipe } from './postgres-recipe.ts';
import { systemdHostRecipe } from './systemd-host-recipe.ts';

/** The folder holding package.json: two up from containers/build/ under tsx, three up from the compiled dist/containers/build/. */
export const REPOSITORY_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** Every image the docker target uses, parents before children. */
export function imageRecipes(root: string = REPOSITORY_ROOT): ImageRecipe[] {
  const recipes: ImageRecipe[] = [
    debianBaseRecipe(),
    postgresRecipe(root),
    nodeBaseRecipe(root),
    pipelineRecipe('v1', root),
    pipelineRecipe('v2', root),
    ordersRecipe('v1', root),
    ordersRecipe('v2', root),
  ];
  // The ssh-systemd target's test host copies from the node, pipeline and orders images: after them.
  recipes.push(systemdHostRecipe(root, () => recipes));
  return recipes;
}
