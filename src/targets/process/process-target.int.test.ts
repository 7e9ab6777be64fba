import { describe, expect, it } from 'vitest';
import {
  expectAddressAnswers,
  expectExecLikeTheService,
  expectMissingProgramReported,
  expectPauseResume,
  expectTimeoutReported,
} from '../../../test/helpers/deployment-capabilities.ts';
import { waitFor } from '../../util/wait-for.ts';
import { waitHealthy } from '../health.ts';
import { ProcessTarget } from './process-target.ts';
import type { ServiceSpec } from '../target.ts';

const spec = (fields: Pick<ServiceSpec, 'name' | 'command' | 'args' | 'env'>): ServiceSpec => ({
  role: 'v1',
  cwd: process.cwd(),
  hostEnv: {},
  writableDirs: [],
  ...fields,
});

// A real HTTP server in a real child process; it forks a grandchild to prove stop() reaches the
// whole process group. With IGNORE_TERM set, both ignore SIGTERM.
const service = `
const http = require('node:http');
const { spawn } = require('node:child_process');
if (process.env.IGNORE_TERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
else process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
const grandchild = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('grandchild ' + grandchild.pid);
http.createServer((req, res) => { res.statusCode = req.url === '/health' ? 200 : 404; res.end('{}'); })
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`;

async function start(env: Record<string, string> = {}) {
  const deployment = await new ProcessTarget().deploy(spec({ name: 'V9', command: process.execPath, args: ['-e', service], env: { PORT: '{{port}}', ...env } }));
  return deployment.start();
}

describe('ProcessTarget', () => {
  it('starts a service on a free port, samples it, and stops the whole process group gracefully', async () => {
    const started = await start();
    const healthy = await waitHealthy(started, { path: '/health', timeoutMs: 10_000 });
    expect(healthy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
    expect((await started.sample())?.rssBytes).toBeGreaterThan(1024 * 1024);
    const result = await started.stop({ graceMs: 5000 });
    expect(result).toMatchObject({ escalatedToKill: false, alreadyExited: false, exit: { exitCode: 0 } });
    expect(await started.isRunning()).toBe(false);
    expect(started.logs(5)).toEqual(expect.arrayContaining(['listening', 'bye']));
    expect(await started.sample()).toBeUndefined();
  });

  it('escalates to SIGKILL after the grace period when SIGTERM is ignored, leaving no process of the group', async () => {
    const started = await start({ IGNORE_TERM: '1' });
    await waitHealthy(started, { path: '/health', timeoutMs: 10_000 });
    const grandchild = Number(/grandchild (\d+)/.exec(started.logs(10).join('\n'))?.[1]);
    const result = await started.stop({ graceMs: 300 });
    expect(result).toMatchObject({ escalatedToKill: true, graceMs: 300, exit: { signal: 'SIGKILL' } });
    expect(result.durationMs).toBeGreaterThanOrEqual(290); // timers may fire a hair early against Date.now
    expect(started.logs(10)).toContain('ignoring SIGTERM');
    expect(() => process.kill(grandchild, 0)).toThrow();
  });

  it('reports a service that exits before it is healthy, with its last log lines', async () => {
    const deployment = await new ProcessTarget().deploy(spec({ name: 'V1', command: process.execPath, args: ['-e', 'console.error("config missing"); process.exit(2)'], env: {} }));
    const started = await deployment.start();
    await expect(waitHealthy(started, { path: '/health', timeoutMs: 10_000 })).rejects.toThrow(/V1 exited with code 2 before it was healthy[\s\S]*config missing/);
    expect(await started.stop({ graceMs: 100 })).toMatchObject({ alreadyExited: true });
  });

  it('names the command when it cannot be spawned', async () => {
    const deployment = await new ProcessTarget().deploy(spec({ name: 'V1', command: '/nonexistent/bin', args: [], env: {} }));
    await expect(deployment.start()).rejects.toThrow(/V1 cannot start: \/nonexistent\/bin .*ENOENT/);
  });

  it('dispose (the cleanup path) kills the service and its children even when they ignore SIGTERM', async () => {
    const started = await start({ IGNORE_TERM: '1' });
    await waitHealthy(started, { path: '/health', timeoutMs: 10_000 });
    const grandchild = Number(/grandchild (\d+)/.exec(started.logs(10).join('\n'))?.[1]);
    await started[Symbol.asyncDispose]();
    expect(await started.isRunning()).toBe(false);
    expect(() => process.kill(grandchild, 0)).toThrow();
  });

  it("runs commands in the service's folder with its environment plus the caller's; a missing program and a timeout are results", async ({ annotate }) => {
    const started = await start();
    try {
      await waitHealthy(started, { path: '/health', timeoutMs: 10_000 });
      await expectAddressAnswers(started);
      const { execMs } = await expectExecLikeTheService(started, process.execPath, String(started.address.port));
      const cwd = await started.exec(process.execPath, ['-e', 'console.log(process.cwd())'], { timeoutMs: 10_000 });
      expect(cwd.stdout.trim()).toBe(process.cwd());
      expect((await expectMissingProgramReported(started)).startError).toMatch(/ENOENT/);
      const { timedOut: slow, aborted } = await expectTimeoutReported(started, process.execPath);
      expect([slow.signal, aborted.signal]).toEqual(['SIGTERM', 'SIGTERM']);
      await annotate(`exec ${execMs} ms; a 1000 ms timeout reported after ${slow.durationMs} ms`);
    } finally {
      await started[Symbol.asyncDispose]();
    }
  });

  it('pause() freezes the service (health stops answering), resume() brings it back, and a paused service stops gracefully', async ({ annotate }) => {
    const started = await start();
    await waitHealthy(started, { path: '/health', timeoutMs: 10_000 });
    const measured = await expectPauseResume(started);
    await started.pause();
    const result = await started.stop({ graceMs: 5000 });
    expect(result).toMatchObject({ escalatedToKill: false, exit: { exitCode: 0 } });
    expect(started.logs(5)).toContain('bye');
    expect(await started.isRunning()).toBe(false);
    await annotate(`pause ${measured.pauseMs} ms, then GET /health → ${measured.failedProbe}; resume → healthy in ${measured.resumeToHealthyMs} ms`);
  });

  it('kill() is a crash: SIGKILL to the whole group, exited settles with it', async () => {
    const started = await start();
    await waitHealthy(started, { path: '/health', timeoutMs: 10_000 });
    const grandchild = Number(/grandchild (\d+)/.exec(started.logs(10).join('\n'))?.[1]);
    await started.pause();
    await started.kill();
    expect(await started.exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(await started.isRunning()).toBe(false);
    // The leader's exit is what kill() waits for; its orphaned child is reaped a moment later.
    await waitFor(async () => (isAlive(grandchild) ? undefined : true), { what: `grandchild ${grandchild} alive after kill()`, timeoutMs: 5000, intervalMs: 20 });
    expect(await started.stop({ graceMs: 100 })).toMatchObject({ alreadyExited: true, exit: { signal: 'SIGKILL' } });
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
