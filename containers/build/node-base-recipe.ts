import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { buildFromDockerfile } from './dockerfile-build.ts';
import type { ContextFile } from './image-inputs.ts';
import type { ImageRecipe } from './image-recipe.ts';
import { sharedLibraries } from './shared-libraries.ts';

// Without nsswitch.conf glibc asks DNS before /etc/hosts; the engine's embedded DNS then sees `localhost`.
const NSSWITCH = 'hosts: files dns\n';
// A user table so `--user nobody` and os.userInfo() work; the image has no other account machinery.
const PASSWD = 'root:x:0:0:root:/root:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

/**
 * drill-node-base: FROM scratch with the node binary running this build (so images and harness share one
 * Node) and the libraries `ldd` lists, at the paths the loader looks for them. /tmp is there for tsx's cache.
 */
export function nodeBaseRecipe(root: string, node = realpathSync(process.execPath)): ImageRecipe {
  return {
    image: 'drill-node-base',
    parent: undefined,
    inputs: async () => {
      const libraries: ContextFile[] = (await sharedLibraries(node)).map((lib) => ({ source: lib, target: `rootfs${lib}` }));
      return {
        files: [
          { source: join(root, 'containers', 'node-base', 'Dockerfile'), target: 'Dockerfile' },
          { source: node, target: 'rootfs/usr/local/bin/node' },
          ...libraries,
          { content: NSSWITCH, target: 'rootfs/etc/nsswitch.conf' },
          { content: PASSWD, target: 'rootfs/etc/passwd' },
          { content: GROUP, target: 'rootfs/etc/group' },
        ],
        directories: [{ target: 'rootfs/tmp', mode: 0o1777 }],
        facts: [],
      };
    },
    build: buildFromDockerfile,
  };
}
