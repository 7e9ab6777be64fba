import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockEnvironment } from './environment-lock.ts';

const holder = (runId: string) => ({ runId, startedAt: '2026-11-25T20:00:00.000Z', config: '/repo/drill.config.ts' });

describe('lockEnvironment', () => {
  it('refuses a second run of the same environment, naming the holder, and frees the lock on release', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-lock-'));
    const first = await lockEnvironment(dir, 'staging', holder('run-1'));
    await expect(lockEnvironment(dir, 'staging', holder('run-2'))).rejects.toThrow(
      `environment staging is being drilled by run run-1 (pid ${process.pid} on ${hostname()}, since 2026-11-25T20:00:00.000Z, config /repo/drill.config.ts)`,
    );
    const other = await lockEnvironment(dir, 'production', holder('run-3'));
    await first.release();
    const again = await lockEnvironment(dir, 'staging', holder('run-4'));
    expect(again.replaced).toBeUndefined();
    await Promise.all([again.release(), other.release()]);
  });

  it('takes over the lock of a holder that died, and says whose it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-lock-'));
    await writeFile(join(dir, 'staging.lock'), JSON.stringify({ ...holder('dead-run'), pid: 999_999, host: hostname() }));
    const lock = await lockEnvironment(dir, 'staging', holder('run-5'), () => false);
    expect(lock.replaced).toMatchObject({ runId: 'dead-run', pid: 999_999 });
    expect(JSON.parse(await readFile(join(dir, 'staging.lock'), 'utf8'))).toMatchObject({ runId: 'run-5', pid: process.pid });
    await lock.release();
  });
});
