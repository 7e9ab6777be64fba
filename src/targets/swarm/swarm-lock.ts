import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pidAlive } from '../../util/pid-alive.ts';
import { waitFor } from '../../util/wait-for.ts';

/** One machine-wide folder (not TMPDIR, which differs per run): every harness on this host meets here. */
export const SWARM_LOCK = '/tmp/rollback-drill-swarm.lock';

/**
 * Runs `work` while holding a lock shared by every harness process on this machine, so that joining
 * the swarm (init, the run's network) and leaving it (last one out) never interleave. mkdir is
 * atomic; a lock whose owner pid is dead (a killed harness) is taken over.
 */
export async function withSwarmLock<T>(work: () => Promise<T>, options: { path?: string; timeoutMs?: number } = {}): Promise<T> {
  const path = options.path ?? SWARM_LOCK;
  await waitFor(() => tryLock(path), { what: `the swarm lock ${path} is still held`, timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 50, lastSeen: () => `by ${lastOwner}` });
  try {
    return await work();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}

let lastOwner = 'unknown';

async function tryLock(path: string): Promise<true | undefined> {
  try {
    await mkdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(await readFile(join(path, 'pid'), 'utf8').catch(() => ''));
    lastOwner = owner ? `pid ${owner}` : 'a harness still writing its pid';
    // A lock without a pid file is being created right now (or its creator died at that instant: then it is old).
    const age = Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (owner ? !pidAlive(owner) : age > 10_000) await rm(path, { recursive: true, force: true });
    return undefined;
  }
  await writeFile(join(path, 'pid'), String(process.pid));
  return true;
}
