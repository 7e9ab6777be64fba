import { join, relative } from 'node:path';
import { buildFromDockerfile } from './dockerfile-build.ts';
import type { ContextFile } from './image-inputs.ts';
import type { ImageRecipe } from './image-recipe.ts';
import { packageClosure } from './package-closure.ts';
import { traceImports } from './trace-imports.ts';
import { walkFiles } from './walk-files.ts';

export type OrdersVersion = 'v1' | 'v2';

/** The programs each version ships: the service and its one-shot commands (V2 adds the health command). */
const ENTRIES: Record<OrdersVersion, string[]> = {
  v1: ['worker.mjs', 'rollup.mjs'],
  v2: ['worker.mjs', 'rollup.mjs', 'healthcheck.mjs'],
};
/** Files read at run time besides modules: V1's schema and its pre-staged settings file, V2's migrations. */
const ASSETS: Record<OrdersVersion, string[]> = {
  v1: ['fixtures/orders/v1/migration.sql', 'fixtures/orders/rollback/v1.env'],
  v2: ['fixtures/orders/v2/migrations'],
};
// Never loaded at run time: type declarations, source maps, docs.
const UNUSED = /\.d\.[cm]?ts$|\.map$|\.md$/i;

function skipInPackage(name: string, isDirectory: boolean): boolean {
  return isDirectory ? name === 'node_modules' || name === '.bin' : UNUSED.test(name);
}

/**
 * drill-orders-v1 / -v2: the second reference pair (fixtures/orders), one image per version. Plain ESM run
 * by node itself, so the image holds no tsx: the modules its programs reach, its assets, and the packages
 * those modules import (only `pg`) with their dependencies, at the same relative paths as in the repository.
 */
export function ordersRecipe(version: OrdersVersion, root: string): ImageRecipe {
  return {
    image: `drill-orders-${version}`,
    parent: 'drill-node-base',
    inputs: async () => {
      const traces = ENTRIES[version].map((entry) => traceImports(join(root, 'fixtures', 'orders', version, entry)));
      const assets = ASSETS[version].flatMap((path) => (path.endsWith('/migrations') ? walkFiles(join(root, path)) : [join(root, path)]));
      const sources = [...new Set([...traces.flatMap((trace) => trace.files), ...assets])].sort();
      const packages = packageClosure([...new Set(traces.flatMap((trace) => trace.packages))].sort(), root);
      const modules = packages.flatMap((dir) => walkFiles(dir, skipInPackage));
      const files: ContextFile[] = [
        { source: join(root, 'containers', 'orders', `Dockerfile.${version}`), target: 'Dockerfile' },
        ...modules.map((source) => ({ source, target: `modules/${relative(root, source)}` })),
        ...sources.map((source) => ({ source, target: `app/${relative(root, source)}` })),
      ];
      return { files, directories: [], facts: [] };
    },
    build: buildFromDockerfile,
  };
}
