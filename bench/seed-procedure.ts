import { execa } from 'execa';
import { formatMs } from '../src/util/format.ts';
import { firstHealthy, stopAlone } from './overhead-alone.ts';
import type { StageRound } from './overhead-stage.ts';

/** The real curl binary, found with `which`; its absence fails the figure with a clear message. */
export async function findCurl(): Promise<string> {
  const which = await execa('which', ['curl'], { reject: false });
  const path = which.stdout.trim();
  if (which.exitCode !== 0 || !path)
    throw new Error('curl is not installed (`which curl` found nothing): the seed procedure anchor needs the real curl binary (apt-get install curl)');
  return path;
}

export interface SeedRound {
  /** The seed's procedure, stop V2 → curl answered. */
  seedMs: number;
  /** Within it: SIGTERM to V2 → V2 exited. */
  stopMs: number;
  /** Within it: V1 spawned → its /health first answers 2xx (a 5 ms probe beside the procedure's sleep). */
  startToHealthyMs: number;
}

/**
 * One round of the seed runbook's Test 3 as written (rollback-procedures-and-testing.md): stop V2,
 * start V1, `sleep 10`, one `curl /health` — the real sleep and curl binaries, on the same target
 * and drill state as the harness's rounds. Stop = SIGTERM and wait for the exit (systemctl stop);
 * start = spawn (systemctl start returns once the process runs); `curl -fsS` fails the round if V1
 * is not healthy by then, as the procedure would. The procedure involves no harness, so the same
 * round also gives the bare floor: V2's stop alone and V1's start-to-healthy alone.
 */
export async function seedProcedureRound(staged: StageRound, curl: string, log: (line: string) => void): Promise<SeedRound> {
  const started = performance.now();
  const stopMs = await stopAlone(staged.v2, staged.v2GraceMs);
  const spawnedAt = performance.now();
  const v1 = await staged.v1.start();
  try {
    const healthy = firstHealthy(v1, staged.v1HealthPath, spawnedAt);
    healthy.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
    await execa('sleep', ['10']);
    const health = await execa(curl, ['-fsS', v1.baseUrl + staged.v1HealthPath], { reject: false });
    const seedMs = performance.now() - started;
    if (health.exitCode !== 0) throw new Error(`seed procedure: curl -fsS ${staged.v1HealthPath} exited ${health.exitCode}: ${health.stderr.trim()}`);
    const startToHealthyMs = await healthy;
    log(`seed procedure ${formatMs(seedMs)} (V2 stop alone ${formatMs(stopMs)}, V1 start → healthy alone ${formatMs(startToHealthyMs)})`);
    return { seedMs, stopMs, startToHealthyMs };
  } finally {
    await v1[Symbol.asyncDispose]();
  }
}
