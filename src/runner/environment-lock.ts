import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { HarnessError, errorMessage } from '../errors.ts';
import { pidAlive } from '../util/pid-alive.ts';

export interface LockHolder {
  runId: string;
  pid: number;
  host: string;
  startedAt: string;
  config: string;
}

export interface EnvironmentLock {
  /** What the lock replaced: a holder that had died without releasing it. */
  readonly replaced?: LockHolder;
  release(): Promise<void>;
}

/**
 * One drill per environment at a time: two drills against one staging would stop each other's V2
 * and restore over each other's data. The lock is a file created exclusively in the report folder
 * (`<reportDir>/<environment>.lock`); a second run is refused naming the holder. A lock whose
 * holder process is gone (killed without cleanup) is taken over and said so.
 */
export async function lockEnvironment(
  reportDir: string,
  environment: string,
  holder: Omit<LockHolder, 'pid' | 'host'>,
  alive: (pid: number) => boolean = pidAlive,
): Promise<EnvironmentLock> {
  const path = join(reportDir, `${environment}.lock`);
  const me: LockHolder = { ...holder, pid: process.pid, host: hostname() };
  let replaced: LockHolder | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const file = await open(path, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return undefined;
      throw new HarnessError(`cannot create the environment lock ${path}: ${errorMessage(error)}`);
    });
    if (file) {
      try {
        await file.writeFile(`${JSON.stringify(me, null, 2)}\n`);
      } catch (error) {
        // A lock that says nothing must not stay behind (a full disk): nothing has started yet.
        await file.close();
        await rm(path, { force: true });
        throw new HarnessError(`cannot write the environment lock ${path}: ${errorMessage(error)} — free space in the report folder or choose another with --report-dir`);
      }
      await file.close();
      return { ...(replaced ? { replaced } : {}), release: () => releaseIfMine(path, me) };
    }
    const current = await readHolder(path);
    if (current && (current.host !== me.host || alive(current.pid))) {
      throw new HarnessError(
        `environment ${environment} is being drilled by run ${current.runId} (pid ${current.pid} on ${current.host}, since ${current.startedAt}, config ${current.config}); ` +
          `wait for it to finish or stop it — the lock is ${path}`,
      );
    }
    replaced = current;
    await rm(path, { force: true });
  }
  throw new HarnessError(`could not take the lock ${path}: another run took it at the same moment`);
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

async function releaseIfMine(path: string, me: LockHolder): Promise<void> {
  const current = await readHolder(path);
  if (current?.runId === me.runId && current.pid === me.pid) await rm(path, { force: true });
}
