import { join } from 'node:path';
import { buildFromDockerfile } from './dockerfile-build.ts';
import type { ImageRecipe } from './image-recipe.ts';

/** drill-postgres: Debian's postgresql-15 with an entrypoint honouring POSTGRES_USER/PASSWORD/DB. */
export function postgresRecipe(root: string): ImageRecipe {
  const dir = join(root, 'containers', 'postgres');
  return {
    image: 'drill-postgres',
    parent: 'drill-debian-base',
    inputs: async () => ({
      files: [
        { source: join(dir, 'Dockerfile'), target: 'Dockerfile' },
        { source: join(dir, 'docker-entrypoint.sh'), target: 'docker-entrypoint.sh' },
      ],
      directories: [],
      facts: [],
    }),
    build: buildFromDockerfile,
  };
}
