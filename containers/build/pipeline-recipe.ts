import { join, relative } from 'node:path';
import { buildFromDockerfile } from './dockerfile-build.ts';
import type { ContextFile } from './image-inputs.ts';
import type { ImageRecipe } from './image-recipe.ts';
import { packageClosure } from './package-closure.ts';
import { traceImports } from './trace-imports.ts';
import { walkFiles } from './walk-files.ts';

export type PipelineVersion = 'v1' | 'v2';

/** Files a version reads at run time besides its modules: V1's pre-staged rollback assets, V2's migrations. */
const ASSET_DIRS: Record<PipelineVersion, string> = {
  v1: 'fixtures/rollback',
  v2: 'fixtures/pipeline-v2/migrations',
};
// Never loaded at run time: type declarations, source maps, docs, executables' shims.
const UNUSED = /\.d\.[cm]?ts$|\.map$|\.md$/i;

function skipInPackage(name: string, isDirectory: boolean): boolean {
  return isDirectory ? name === 'node_modules' || name === '.bin' : UNUSED.test(name);
}

/**
 * drill-pipeline-v1 / -v2: one image per version, because they are separate artifacts in the rollback (the
 * runbook's "verify V1 binaries ready" is this image being present and current), each rebuilt only when its
 * own inputs change. Holds the modules its entry reaches, its assets, and the packages those modules import
 * plus tsx and their dependencies, at the same relative paths as in the repository.
 */
export function pipelineRecipe(version: PipelineVersion, root: string): ImageRecipe {
  return {
    image: `drill-pipeline-${version}`,
    parent: 'drill-node-base',
    inputs: async () => {
      const entry = traceImports(join(root, 'fixtures', `pipeline-${version}`, 'main.ts'));
      const sources = [...entry.files, ...walkFiles(join(root, ASSET_DIRS[version]))];
      const packages = packageClosure([...new Set([...entry.packages, 'tsx'])], root);
      const modules = packages.flatMap((dir) => walkFiles(dir, skipInPackage));
      const files: ContextFile[] = [
        { source: join(root, 'containers', 'pipeline', `Dockerfile.${version}`), target: 'Dockerfile' },
        // Only "type": "module" matters: it makes tsx load the .ts files as ES modules, as in the repository.
        { content: `${JSON.stringify({ name: `abaco-pipeline-${version}`, private: true, type: 'module' })}\n`, target: 'modules/package.json' },
        ...modules.map((source) => ({ source, target: `modules/${relative(root, source)}` })),
        { source: join(root, 'tsconfig.json'), target: 'app/tsconfig.json' },
        ...[...new Set(sources)].map((source) => ({ source, target: `app/${relative(root, source)}` })),
      ];
      return { files, directories: [], facts: [] };
    },
    build: buildFromDockerfile,
  };
}
