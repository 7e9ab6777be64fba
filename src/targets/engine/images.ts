import type Docker from 'dockerode';
import { CONTENT_HASH_LABEL } from '../../../containers/build/content-hash.ts';

/**
 * The runbook's "verify V1 binaries" on a container target: the image is present in the engine.
 * Returns its id, creation time and content hash; throws naming the image when it is missing.
 */
export async function inspectImage(docker: Docker, image: string, what: string): Promise<Record<string, unknown>> {
  const info = await docker
    .getImage(image)
    .inspect()
    .catch((error: unknown) => {
      const status = (error as { statusCode?: number }).statusCode;
      throw new Error(
        status === 404
          ? `${what} ${image} is not in the engine (no registry is consulted): build it with \`npm run images\` or name another image in drill.config.ts`
          : `${what} ${image} cannot be inspected: ${(error as Error).message}`,
      );
    });
  return {
    image,
    id: info.Id.slice(0, 19),
    created: info.Created,
    ...(info.Config.Labels?.[CONTENT_HASH_LABEL] ? { contentHash: info.Config.Labels[CONTENT_HASH_LABEL].slice(0, 12) } : {}),
  };
}
