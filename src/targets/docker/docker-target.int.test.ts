import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImages } from '../../../containers/build/ensure-images.ts';
import { imageRecipes } from '../../../containers/build/recipes.ts';
import { dockerTestsRun } from '../../../test/helpers/docker.ts';
import {
  expectAddressAnswers,
  expectExecLikeTheService,
  expectMissingProgramReported,
  expectPauseResume,
  expectTimeoutReported,
} from '../../../test/helpers/deployment-capabilities.ts';
import { waitHealthy } from '../health.ts';
import type { ServiceSpec, StartedDeployment } from '../target.ts';
import type { TargetSession } from '../target-session.ts';
import { openTarget } from '../open-target.ts';
import { dockerTargetSchema } from './docker-schema.ts';
import { recipesFor } from '../engine/reference-images.ts';
import { RUN_ID_LABEL } from '../engine/run-labels.ts';

// A real HTTP service in a real container (FROM drill-node-base, no shell): it writes a file into
// its output folder; with IGNORE_TERM it ignores SIGTERM; with EXIT_AT_ONCE it fails at start.
const image = 'drill-test-service:latest';
const service = `
const http = require('node:http');
const fs = require('node:fs');
if (process.env.EXIT_AT_ONCE) { console.error('config missing'); process.exit(2); }
const listenAfterMs = Number(process.env.LISTEN_AFTER_MS ?? 0);
if (process.env.IGNORE_TERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
else process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
fs.writeFileSync(process.env.OUTPUT_DIR + '/written-by-container.txt', 'uid ' + process.getuid());
setTimeout(() => http.createServer((req, res) => { res.statusCode = req.url === '/health' ? 200 : 404; res.end('{}'); })
  .listen(Number(process.env.PORT), '0.0.0.0', () => console.log('listening on ' + process.env.PORT)), listenAfterMs);
`;

function tcpConnects(to: { host: string; port: number }): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: to.host, port: to.port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('timeout', () => (socket.destroy(), resolve('timeout')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe.runIf(dockerTestsRun)('DockerTarget', () => {
  const runId = `it-${Date.now()}`;
  let session: TargetSession;
  let outputDir: string;
  let contextDir: string;

  beforeAll(async () => {
    await ensureImages({ recipes: recipesFor(['drill-node-base'], imageRecipes()) });
    contextDir = await mkdtemp(join(tmpdir(), 'drill-test-service-'));
    await writeFile(join(contextDir, 'service.js'), service);
    await writeFile(join(contextDir, 'Dockerfile'), 'FROM drill-node-base\nCOPY service.js /service.js\nENTRYPOINT ["/usr/local/bin/node", "/service.js"]\n');
    await execa('docker', ['build', '--quiet', '--tag', image, contextDir], { env: { DOCKER_BUILDKIT: '0' } });
    outputDir = await mkdtemp(join(tmpdir(), 'drill-container-out-'));
    const config = dockerTargetSchema.parse({ kind: 'docker', v1: { image, port: 9000 }, v2: { image: 'drill-no-such-image:latest' } });
    session = await openTarget(config, { runId, env: process.env });
  });

  afterAll(async () => {
    // The tests above stop containers without disposing them: close() removes them, naming each.
    const closed = await session?.close();
    expect(closed?.errors).toEqual([]);
    expect(closed?.leftovers.length).toBeGreaterThan(0);
    const left = await new Docker().listContainers({ all: true, filters: { label: [`${RUN_ID_LABEL}=${runId}`] } });
    expect(left).toEqual([]);
    await execa('docker', ['image', 'rm', '--force', image], { reject: false });
    await rm(contextDir, { recursive: true, force: true });
    await rm(outputDir, { recursive: true, force: true });
  });

  /** The run's container publishing the service's port (while it runs). */
  const containerOf = async (started: StartedDeployment) => {
    const published = Number(new URL(started.baseUrl).port);
    const listed = await new Docker().listContainers({ filters: { label: [`${RUN_ID_LABEL}=${runId}`], publish: [`${published}`] } });
    expect(listed).toHaveLength(1);
    return listed[0]!.Id;
  };

  const spec = (env: Record<string, string> = {}, role: 'v1' | 'v2' = 'v1'): ServiceSpec => ({
    name: role.toUpperCase(),
    role,
    command: 'unused',
    args: [],
    cwd: '/',
    hostEnv: { PATH: '/host/only', TMPDIR: '/host/tmp' },
    env: { PORT: '{{port}}', OUTPUT_DIR: outputDir, ...env },
    writableDirs: [outputDir],
  });

  it('starts a container on the port it names, mounts the output folder as the harness user, samples it, and stops it gracefully', async () => {
    const started = await (await session.target.deploy(spec())).start();
    const healthy = await waitHealthy(started, { path: '/health', timeoutMs: 20_000 });
    expect(healthy.url).toMatch(/^http:\/\/localhost:\d+\/health$/);
    expect(started.logs(5)).toContain('listening on 9000');
    expect(await readFile(join(outputDir, 'written-by-container.txt'), 'utf8')).toBe(`uid ${process.getuid!()}`);
    expect((await started.sample())?.rssBytes).toBeGreaterThan(1024 * 1024);
    const result = await started.stop({ graceMs: 5000 });
    expect(result).toMatchObject({ escalatedToKill: false, alreadyExited: false, exit: { exitCode: 0, signal: null } });
    expect(started.logs(5)).toContain('bye');
    expect(await started.isRunning()).toBe(false);
    expect(await started.sample()).toBeUndefined();
  });

  it('kills after the grace period when SIGTERM is ignored, and records it', async () => {
    const started = await (await session.target.deploy(spec({ IGNORE_TERM: '1' }))).start();
    await waitHealthy(started, { path: '/health', timeoutMs: 20_000 });
    const result = await started.stop({ graceMs: 300 });
    expect(result).toMatchObject({ escalatedToKill: true, graceMs: 300, exit: { exitCode: null, signal: 'SIGKILL' } });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(started.logs(5)).toContain('ignoring SIGTERM');
  });

  it('reports a container that exits before it is healthy, with its last log lines', async () => {
    const started = await (await session.target.deploy(spec({ EXIT_AT_ONCE: '1' }))).start();
    await expect(waitHealthy(started, { path: '/health', timeoutMs: 20_000 })).rejects.toThrow(/V1 exited with code 2 before it was healthy[\s\S]*config missing/);
    expect(await started.stop({ graceMs: 100 })).toMatchObject({ alreadyExited: true, exit: { exitCode: 2 } });
  });

  it('names a missing image instead of trying a registry, and inspects a present one', async () => {
    await expect((await session.target.deploy(spec({}, 'v2'))).start()).rejects.toThrow(
      /V2 image drill-no-such-image:latest is not in the engine \(no registry is consulted\): build it with `npm run images`/,
    );
    expect(await session.target.inspectArtifact!('v1')).toMatchObject({ image, id: expect.stringMatching(/^sha256:/) });
  });

  it('dispose (the cleanup path) removes a container that ignores SIGTERM', async () => {
    const started = await (await session.target.deploy(spec({ IGNORE_TERM: '1' }))).start();
    await waitHealthy(started, { path: '/health', timeoutMs: 20_000 });
    const port = new URL(started.baseUrl).port;
    await started[Symbol.asyncDispose]();
    expect(await started.isRunning()).toBe(false);
    const left = await new Docker().listContainers({ all: true, filters: { label: [`${RUN_ID_LABEL}=${runId}`] } });
    expect(left.filter((c) => c.Ports.some((p) => String(p.PublicPort) === port))).toEqual([]);
    expect(left.every((c) => c.State === 'exited')).toBe(true); // stopped by the tests above, removed by close()
  });

  it("execs in the container with its environment plus the caller's (no shell there: node); a missing program and a timeout are results", async ({ annotate }) => {
    const started = await (await session.target.deploy(spec())).start();
    try {
      await waitHealthy(started, { path: '/health', timeoutMs: 20_000 });
      await expectAddressAnswers(started, { sameAsBaseUrl: false });
      const { execMs } = await expectExecLikeTheService(started, 'node', '9000');
      // As the container's user (runAs: harness), in the image's filesystem.
      const user = await started.exec('/usr/local/bin/node', ['-e', 'console.log(process.getuid(), require("node:fs").existsSync("/service.js"))'], { timeoutMs: 20_000 });
      expect(user.stdout).toBe(`${process.getuid!()} true`);
      const missing = await expectMissingProgramReported(started);
      expect(missing).toMatchObject({ exitCode: 126, startError: expect.stringContaining('executable file not found') });
      const { timedOut: slow, aborted } = await expectTimeoutReported(started, 'node');
      // A local engine: the exec's process is found in the container's cgroup and killed, not abandoned.
      expect([slow.signal, aborted.signal]).toEqual(['SIGKILL', 'SIGKILL']);
      const left = await started.exec('node', ['-e', 'console.log(require("node:fs").readdirSync("/proc").filter((p) => /^\\d+$/.test(p)).length)'], { timeoutMs: 20_000 });
      expect(left.stdout).toBe('2'); // PID 1 and this exec: the timed-out and aborted ones are gone
      await annotate(`exec ${execMs} ms; a 1000 ms timeout reported after ${slow.durationMs} ms`);
    } finally {
      await started[Symbol.asyncDispose]();
    }
  });

  it('pause() is docker pause (health stops answering, exec refused), resume() unpauses; a paused container stops gracefully and is removed', async ({ annotate }) => {
    const started = await (await session.target.deploy(spec())).start();
    await waitHealthy(started, { path: '/health', timeoutMs: 20_000 });
    const id = await containerOf(started);
    const measured = await expectPauseResume(started);
    await started.pause();
    const refused = await started.exec('node', ['-e', '1'], { timeoutMs: 5000 });
    expect(refused.startError).toMatch(/is paused/);
    const result = await started.stop({ graceMs: 5000 });
    expect(result).toMatchObject({ escalatedToKill: false, exit: { exitCode: 0 } });
    expect(started.logs(5)).toContain('bye');
    await started[Symbol.asyncDispose]();
    await expect(new Docker().getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await annotate(`pause ${measured.pauseMs} ms, then GET /health → ${measured.failedProbe}; resume → healthy in ${measured.resumeToHealthyMs} ms`);
  });

  it("its TCP address answers only once the service listens inside, though the engine's published port accepts at once", async () => {
    const started = await (await session.target.deploy(spec({ LISTEN_AFTER_MS: '4000' }))).start();
    try {
      const published = { host: new URL(started.baseUrl).hostname, port: Number(new URL(started.baseUrl).port) };
      // The engine's proxy accepts on the published port before the process listens: a tcp check there would lie.
      expect(await tcpConnects(published)).toBe('connected');
      expect(await tcpConnects(started.address)).toMatch(/ECONNREFUSED|EHOSTUNREACH|timeout/);
      await waitHealthy(started, { path: '/health', timeoutMs: 20_000 });
      expect(await tcpConnects(started.address)).toBe('connected');
    } finally {
      await started[Symbol.asyncDispose]();
    }
  });

  it('kill() is SIGKILL by the engine, also of a paused container: exited settles with it', async () => {
    const started = await (await session.target.deploy(spec())).start();
    await waitHealthy(started, { path: '/health', timeoutMs: 20_000 });
    const id = await containerOf(started);
    await started.pause();
    await started.kill();
    expect(await started.exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(await started.isRunning()).toBe(false);
    const info = await new Docker().getContainer(id).inspect();
    expect(info.State).toMatchObject({ Running: false, Paused: false });
    await started[Symbol.asyncDispose]();
  });
});
