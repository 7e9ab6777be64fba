import type { DockerEngine, Progress } from './docker-engine.ts';
import type { ImageInputs } from './image-inputs.ts';

export interface BuildJob {
  readonly inputs: ImageInputs;
  readonly tag: string;
  /** Labels the built image must carry, the content hash among them. */
  readonly labels: Record<string, string>;
  readonly docker: DockerEngine;
  /** A fresh empty directory for the build context or the rootfs tarball, removed afterwards. */
  readonly workDir: string;
  readonly progress: Progress;
  readonly signal?: AbortSignal;
}

/** How one image is made. One file per image; the catalogue (recipes.ts) lists them in dependency order. */
export interface ImageRecipe {
  readonly image: string;
  /** A local image this one is built FROM: built first, and its content hash is one of this image's inputs. */
  readonly parent: string | undefined;
  inputs(): Promise<ImageInputs>;
  build(job: BuildJob): Promise<void>;
}
