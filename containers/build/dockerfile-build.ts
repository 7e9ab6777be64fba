import { writeBuildContext } from './build-context.ts';
import type { BuildJob } from './image-recipe.ts';

/** The build for every image made from a Dockerfile: write the context, then `docker build` it. */
export async function buildFromDockerfile(job: BuildJob): Promise<void> {
  await writeBuildContext(job.inputs, job.workDir);
  await job.docker.build({ contextDir: job.workDir, tag: job.tag, labels: job.labels, progress: job.progress, ...(job.signal ? { signal: job.signal } : {}) });
}
