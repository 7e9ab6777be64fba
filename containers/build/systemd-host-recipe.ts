import { join } from 'node:path';
import { contentHash } from './content-hash.ts';
import { buildFromDockerfile } from './dockerfile-build.ts';
import type { ImageRecipe } from './image-recipe.ts';

const FILES = [
  'Dockerfile',
  'abaco-pipeline-v1.service',
  'abaco-pipeline-v2.service',
  'orders-v1.service',
  'orders-v2.service',
  'drill-ssh-host-keys.service',
  'drill-authorized-keys.service',
  'ssh-drop-in.conf',
  'sshd-drill.conf',
];

/** The images drill-systemd-host copies from (`COPY --from=`): built before it, their hashes are its inputs. */
export const SYSTEMD_HOST_COPIES_FROM = ['drill-node-base', 'drill-pipeline-v1', 'drill-pipeline-v2', 'drill-orders-v1', 'drill-orders-v2'] as const;

/**
 * drill-systemd-host: the ssh-systemd target's test host, FROM drill-debian-base with systemd, sshd, node and
 * both versions of both reference pairs (abaco, orders) as units. Besides its parent it copies from five
 * images, so their content hashes (computed as ensure-images does, parent chain included) are facts of its
 * own hash: a change to either pair rebuilds the test host too.
 */
export function systemdHostRecipe(root: string, recipes: () => readonly ImageRecipe[]): ImageRecipe {
  const dir = join(root, 'containers', 'systemd-host');
  return {
    image: 'drill-systemd-host',
    parent: 'drill-debian-base',
    inputs: async () => {
      const byImage = new Map(recipes().map((recipe) => [recipe.image, recipe]));
      const facts = await Promise.all(SYSTEMD_HOST_COPIES_FROM.map(async (image) => `COPY --from=${image}@${await recipeHash(image, byImage)}`));
      return { files: FILES.map((name) => ({ source: join(dir, name), target: name })), directories: [], facts };
    },
    build: buildFromDockerfile,
  };
}

async function recipeHash(image: string, byImage: ReadonlyMap<string, ImageRecipe>): Promise<string> {
  const recipe = byImage.get(image);
  if (!recipe) throw new Error(`drill-systemd-host copies from ${image}, which no recipe makes`);
  const inputs = await recipe.inputs();
  if (recipe.parent === undefined) return contentHash(inputs);
  return contentHash({ ...inputs, facts: [...inputs.facts, `FROM ${recipe.parent}@${await recipeHash(recipe.parent, byImage)}`] });
}
