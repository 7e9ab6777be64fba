import { connect } from 'node:net';
import { expect } from 'vitest';
import { probeHealth, waitHealthy } from '../../src/targets/health.ts';
import type { ExecResult, StartedDeployment } from '../../src/targets/target.ts';

/**
 * The checks every target's integration test makes of StartedDeployment's exec, pause/resume and
 * address, against a service that answers GET /health and has PORT in its environment. Each returns
 * what it measured, for the test to annotate.
 */

/** exec runs where the service runs, with its environment plus the caller's; output and exit code come back. */
export async function expectExecLikeTheService(started: StartedDeployment, node: string, port: string): Promise<{ execMs: number }> {
  const script = 'console.log(process.env.PORT + " " + process.env.DRILL_EXTRA); console.error("to stderr"); process.exitCode = 3';
  const result = await started.exec(node, ['-e', script], { env: { DRILL_EXTRA: 'from the caller' }, timeoutMs: 30_000 });
  expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, stdout: `${port} from the caller`, stderr: 'to stderr' });
  expect(result.startError).toBeUndefined();
  // A second run: the first may include one-time costs (a connection, the unit's Environment= read).
  const again = await started.exec(node, ['-e', 'console.log("ok")'], { timeoutMs: 30_000 });
  expect(again).toMatchObject({ exitCode: 0, stdout: 'ok' });
  return { execMs: again.durationMs };
}

/** A program that does not exist is an answer (126/127 or startError), never a throw. */
export async function expectMissingProgramReported(started: StartedDeployment): Promise<ExecResult> {
  const result = await started.exec('drill-no-such-program', ['x'], { timeoutMs: 30_000 });
  expect(result.timedOut).toBe(false);
  expect(result.exitCode === 126 || result.exitCode === 127 || result.startError !== undefined, JSON.stringify(result)).toBe(true);
  expect(`${result.startError ?? ''}${result.stderr}`).toContain('drill-no-such-program');
  return result;
}

/**
 * A command past its deadline is stopped and reported as timed out, well before it would have ended; one
 * whose caller aborts is stopped too, and not reported as timed out. Returns both results.
 */
export async function expectTimeoutReported(started: StartedDeployment, node: string): Promise<{ timedOut: ExecResult; aborted: ExecResult }> {
  const forever = ['-e', 'setTimeout(() => {}, 120000)'];
  const timedOut = await started.exec(node, forever, { timeoutMs: 1000 });
  expect(timedOut).toMatchObject({ timedOut: true, exitCode: null });
  expect(timedOut.durationMs).toBeGreaterThanOrEqual(990);
  expect(timedOut.durationMs).toBeLessThan(60_000);
  const aborted = await started.exec(node, forever, { timeoutMs: 120_000, signal: AbortSignal.timeout(1000) });
  expect(aborted).toMatchObject({ timedOut: false, exitCode: null });
  expect(aborted.durationMs).toBeLessThan(60_000);
  expect(aborted.signal ?? aborted.startError).toBeTruthy();
  return { timedOut, aborted };
}

/** pause() makes the health URL stop answering (a hang, not an exit); resume() brings it back. */
export async function expectPauseResume(started: StartedDeployment, healthPath = '/health'): Promise<{ pauseMs: number; failedProbe: string; resumeToHealthyMs: number }> {
  const url = started.baseUrl + healthPath;
  expect((await probeHealth(url)).ok).toBe(true);
  const pausing = performance.now();
  await started.pause();
  const pauseMs = performance.now() - pausing;
  const probe = await probeHealth(url);
  expect(probe.ok).toBe(false);
  expect(await started.isRunning()).toBe(true);
  const resuming = performance.now();
  await started.resume();
  await waitHealthy(started, { path: healthPath, timeoutMs: 30_000 });
  // A second resume() is a no-op.
  await started.resume();
  return { pauseMs: Math.round(pauseMs), failedProbe: probe.seen, resumeToHealthyMs: Math.round(performance.now() - resuming) };
}

/** address is where the service's port is reached: the same host and port as baseUrl, accepting TCP. */
export async function expectAddressAnswers(started: StartedDeployment, options: { sameAsBaseUrl?: boolean } = {}): Promise<void> {
  const url = new URL(started.baseUrl);
  if (options.sameAsBaseUrl ?? true) expect(started.address).toEqual({ host: url.hostname, port: Number(url.port) });
  const connected = await new Promise<string>((resolve) => {
    const socket = connect({ host: started.address.host, port: started.address.port, timeout: 5000 });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('timeout', () => (socket.destroy(), resolve('timeout')));
    socket.once('error', (error) => resolve(error.message));
  });
  expect(connected).toBe('connected');
}
