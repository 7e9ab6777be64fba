import { join } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../../src/errors.ts';
import type { ImageRecipe } from './image-recipe.ts';
import { runStreamed } from './run-streamed.ts';

const SUITE = 'bookworm';
// Man pages, docs and translations are dead weight in a test database image (copyright files stay).
const MMDEBSTRAP_OPTIONS = [
  '--variant=minbase',
  '--dpkgopt=path-exclude=/usr/share/man/*',
  '--dpkgopt=path-exclude=/usr/share/doc/*',
  '--dpkgopt=path-include=/usr/share/doc/*/copyright',
  '--dpkgopt=path-exclude=/usr/share/locale/*',
];
const SOURCES = [
  `deb http://deb.debian.org/debian ${SUITE} main`,
  `deb http://deb.debian.org/debian ${SUITE}-updates main`,
  `deb http://deb.debian.org/debian-security ${SUITE}-security main`,
];
const CMD = 'CMD ["/bin/bash"]';

async function requireMmdebstrap(): Promise<void> {
  const result = await execa('mmdebstrap', ['--version'], { reject: false });
  if (result.failed) {
    throw new HarnessError(
      'mmdebstrap is not installed: apt-get install -y mmdebstrap (it builds drill-debian-base, the root of ' +
        'drill-postgres, because no registry is reachable to pull debian:bookworm)',
    );
  }
}

/**
 * drill-debian-base: Debian bookworm minbase from the Debian mirror, imported as an image. The recipe's
 * arguments are its inputs, so it is rebuilt only when they change; `docker rmi drill-debian-base` to
 * pick up newer Debian packages.
 */
export function debianBaseRecipe(): ImageRecipe {
  return {
    image: 'drill-debian-base',
    parent: undefined,
    inputs: async () => ({
      files: [],
      directories: [],
      facts: [`mmdebstrap ${[...MMDEBSTRAP_OPTIONS, SUITE, ...SOURCES].join(' ')}`, `docker import --change ${CMD}`],
    }),
    build: async (job) => {
      await requireMmdebstrap();
      const tarball = join(job.workDir, 'rootfs.tar');
      await runStreamed({
        command: 'mmdebstrap',
        args: [...MMDEBSTRAP_OPTIONS, SUITE, tarball, ...SOURCES],
        what: `mmdebstrap ${SUITE}`,
        shown: (line) => /^I: (downloading|extracting|installing|running|cleaning|creating tarball)/.test(line),
        progress: job.progress,
        ...(job.signal ? { signal: job.signal } : {}),
      });
      const labels = Object.entries(job.labels).map(([key, value]) => `LABEL ${key}=${value}`);
      await job.docker.importRootfs({ tarball, tag: job.tag, changes: [...labels, CMD] });
    },
  };
}
