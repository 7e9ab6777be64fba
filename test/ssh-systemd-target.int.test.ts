import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHealth, waitHealthy } from '../src/targets/health.ts';
import { waitFor } from '../src/util/wait-for.ts';
import type { ServiceRole, ServiceSpec, StartedDeployment } from '../src/targets/target.ts';
import type { TargetSession } from '../src/targets/target-session.ts';
import { sshSystemdTarget } from '../src/targets/ssh-systemd/index.ts';
import { SshConnection, type Follow } from '../src/targets/ssh-systemd/ssh-connection.ts';
import { sshEndpoint } from '../src/targets/ssh-systemd/ssh-endpoint.ts';
import { sshHostSchema, sshSystemdTargetSchema } from '../src/targets/ssh-systemd/ssh-systemd-schema.ts';
import { expectAddressAnswers, expectExecLikeTheService, expectMissingProgramReported, expectPauseResume, expectTimeoutReported } from './helpers/deployment-capabilities.ts';
import { dockerTestsRun } from './helpers/docker.ts';
import { startSystemdTestHost, type SystemdTestHost } from './helpers/systemd-host.ts';

/**
 * The ssh-systemd target against the test host container (containers/systemd-host), configured as a team
 * configures its own host (address, user, key file, known_hosts): the lifecycle, and every fault of issue 7
 * that applies — V1's unit failing to start, V1 never healthy, V2 ignoring stop, the SSH connection lost
 * mid-step — plus a host key that does not match.
 */
describe.runIf(dockerTestsRun)('ssh-systemd target (test host container)', () => {
  let host: SystemdTestHost;
  let session: TargetSession;
  let database: string;
  let outputs: string;
  const running: StartedDeployment[] = [];

  const open = (extra: Record<string, unknown> = {}, target: Record<string, unknown> = {}) =>
    sshSystemdTarget.open(sshSystemdTargetSchema.parse({ kind: 'ssh-systemd', host: host.sshHost(extra), keepaliveIntervalMs: 500, ...target }), { runId: 'it', env: {} });

  const spec = (role: ServiceRole, env: Record<string, string> = {}): ServiceSpec => ({
    name: role.toUpperCase(),
    role,
    command: 'unused',
    args: [],
    cwd: '/',
    env: { DATABASE_URL: host.postgres.serviceDsn(database), PORT: '{{port}}', OUTPUT_DIR: outputs, ...env },
    hostEnv: {},
    writableDirs: [outputs],
  });

  const start = async (s: ServiceSpec, on = session) => {
    const started = await (await on.target.deploy(s)).start();
    running.push(started);
    return started;
  };

  beforeAll(async () => {
    host = await startSystemdTestHost();
    database = await host.postgres.createDatabase('ssh_it');
    outputs = join(host.sharedDir, 'outputs');
    await mkdir(outputs);
    session = await open();
    await session.prepare?.({ progress: () => undefined, signal: new AbortController().signal });
  }, 120_000);

  afterAll(async () => {
    for (const started of running.reverse()) await Promise.resolve(started[Symbol.asyncDispose]()).catch(() => undefined);
    await session?.close();
    await host?.[Symbol.asyncDispose]();
  }, 60_000);

  it('starts V1 as its unit, answers health on the host, samples it, and stops it gracefully with the runbook journal lines', async () => {
    const artifact = await session.target.inspectArtifact!('v1');
    expect(artifact).toMatchObject({ unit: 'abaco-pipeline-v1', unitFile: '/etc/systemd/system/abaco-pipeline-v1.service', binary: '/usr/local/bin/node', user: 'abaco' });

    const v1 = await start(spec('v1'));
    expect(v1.baseUrl).toBe(`http://${host.host.address}:8081`);
    const healthy = await waitHealthy(v1, { path: '/health', timeoutMs: 30_000 });
    expect(healthy.status).toBe(200);
    expect(await v1.isRunning()).toBe(true);
    expect(await v1.sample()).toMatchObject({ rssBytes: expect.any(Number), cpuSeconds: expect.any(Number) });
    expect((await host.exec(['systemctl', 'is-active', 'abaco-pipeline-v1'])).stdout.trim()).toBe('active');
    // The environment file is written 0600, atomically, with {{port}} filled.
    const envFile = await host.exec(['stat', '-c', '%a %U', '/etc/abaco/abaco-pipeline-v1.env']);
    expect(envFile.stdout.trim()).toBe('600 root');
    expect((await host.exec(['grep', '-c', 'PORT="8081"', '/etc/abaco/abaco-pipeline-v1.env'])).stdout.trim()).toBe('1');

    const stopped = await v1.stop({ graceMs: 10_000 });
    expect(stopped).toMatchObject({ alreadyExited: false, escalatedToKill: false, exit: { exitCode: 0, signal: null } });
    expect(await v1.isRunning()).toBe(false);
    expect((await host.exec(['systemctl', 'is-active', 'abaco-pipeline-v1'])).stdout.trim()).toBe('inactive');
    expect(v1.logs(50).join('\n')).toContain('Stopped abaco-pipeline-v1.service');
  });

  it('V2 ignoring SIGTERM: the grace period runs out, systemctl kill -s SIGKILL, recorded as escalatedToKill', async () => {
    const v2 = await start(spec('v2', { ABACO_V2_FAULTS: 'ignore-sigterm' }));
    await waitHealthy(v2, { path: '/health', timeoutMs: 30_000 });
    const stopped = await v2.stop({ graceMs: 1500 });
    expect(stopped).toMatchObject({ escalatedToKill: true, exit: { exitCode: null, signal: 'SIGKILL' } });
    expect(stopped.durationMs).toBeGreaterThanOrEqual(1500);
    expect(await v2.isRunning()).toBe(false);
    expect((await host.exec(['systemctl', 'is-active', 'abaco-pipeline-v2'])).stdout.trim()).toMatch(/^(inactive|failed)$/);
  });

  it('V1 unit that fails to start: a named error with its journal lines', async () => {
    const v1 = await start(spec('v1', { ABACO_CONFIG: '/nonexistent/v1-configuration.yml' }));
    const failure = await waitHealthy(v1, { path: '/health', timeoutMs: 30_000 }).then(
      () => 'healthy',
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/^V1 exited with code \d+ before it was healthy \(GET http:\/\/.*:8081\/health → /);
    expect(failure).toContain('abaco-pipeline-v1.service: Main process exited');
    await v1.stop({ graceMs: 5000 });
    expect((await host.exec(['systemctl', 'is-active', 'abaco-pipeline-v1'])).stdout.trim()).toMatch(/^(inactive|failed)$/);
  });

  it('V1 killed on its host: systemd restarts it (Restart=on-failure), the harness counts that from NRestarts and follows the new invocation', async () => {
    const v1 = await start(spec('v1'));
    await waitHealthy(v1, { path: '/health', timeoutMs: 30_000 });
    expect(v1.restartCount).toBeDefined();
    expect(await v1.restartCount!()).toBe(0);
    const pid = (await host.exec(['systemctl', 'show', '--property=MainPID', '--value', 'abaco-pipeline-v1'])).stdout.trim();
    expect((await host.exec(['kill', '-KILL', pid])).exitCode).toBe(0);
    expect(await v1.exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(await waitFor(async () => ((await v1.restartCount!()) === 1 ? 1 : undefined), { what: 'systemd did not restart V1', timeoutMs: 30_000 })).toBe(1);
    // The restarted invocation answers on the same address (waitHealthy would stop at the first invocation's exit).
    await waitFor(async () => ((await probeHealth(`${v1.baseUrl}/health`)).ok ? true : undefined), { what: 'the restarted V1 not healthy', timeoutMs: 30_000 });
    expect(await v1.isRunning()).toBe(true);
    const restartedPid = (await host.exec(['systemctl', 'show', '--property=MainPID', '--value', 'abaco-pipeline-v1'])).stdout.trim();
    expect(restartedPid).not.toBe(pid);
    expect(await v1.sample()).toMatchObject({ rssBytes: expect.any(Number) });
    const stopped = await v1.stop({ graceMs: 10_000 });
    expect(stopped.escalatedToKill).toBe(false);
    expect(await v1.isRunning()).toBe(false);
    expect((await host.exec(['systemctl', 'is-active', 'abaco-pipeline-v1'])).stdout.trim()).toBe('inactive');
  });

  it("exec runs a command like the unit (its user, folder, Environment= and env file, the caller's env on top); a missing program and a timeout are results", async ({
    annotate,
  }) => {
    const v1 = await start(spec('v1'));
    await waitHealthy(v1, { path: '/health', timeoutMs: 30_000 });
    expect(v1.address).toEqual({ host: host.host.address, port: 8081 });
    await expectAddressAnswers(v1);
    const first = performance.now();
    const { execMs } = await expectExecLikeTheService(v1, 'node', '8081');
    const firstExecMs = Math.round(performance.now() - first - execMs);
    const like = await v1.exec('node', ['-e', 'console.log([process.getuid(), process.cwd(), process.env.ABACO_CONFIG, process.env.HOST, process.env.OUTPUT_DIR].join(" "))'], {
      timeoutMs: 30_000,
    });
    const uid = (await host.exec(['id', '-u', 'abaco'])).stdout.trim();
    expect(like.stdout).toBe(`${uid} /opt/abaco/v1 fixtures/rollback/v1-configuration.yml 0.0.0.0 ${outputs}`);
    // The caller's env wins over the env file's, as it does on every target.
    expect((await v1.exec('node', ['-e', 'console.log(process.env.PORT)'], { env: { PORT: '1' }, timeoutMs: 30_000 })).stdout).toBe('1');
    expect(await expectMissingProgramReported(v1)).toMatchObject({ exitCode: 127 });
    const { timedOut: slow, aborted } = await expectTimeoutReported(v1, 'node');
    expect([slow.signal, aborted.signal]).toEqual(['SIGKILL', 'SIGKILL']);
    // The command's transient unit is gone with everything it ran.
    expect((await host.exec(['systemctl', 'list-units', '--all', '--plain', '--no-legend', 'drill-exec-*'])).stdout.trim()).toBe('');
    expect((await host.exec(['pgrep', '-u', 'abaco', '-f', 'setTimeout'])).stdout.trim()).toBe('');
    // Disposed, not only stopped: its journal follower holds one of the connection's sessions (sshd's MaxSessions is 10).
    await v1[Symbol.asyncDispose]();
    await annotate(`exec ${execMs} ms (the first ${firstExecMs} ms with the Environment= read); a 1000 ms timeout reported after ${slow.durationMs} ms`);
  });

  it('pause() stops the unit answering (cgroup v1 here: SIGSTOP to its processes), resume() brings it back, unitState() reads ActiveState, a paused unit stops', async ({
    annotate,
  }) => {
    const v2 = await start(spec('v2'));
    await waitHealthy(v2, { path: '/health', timeoutMs: 30_000 });
    expect(await v2.unitState!()).toBe('active');
    const measured = await expectPauseResume(v2);
    await v2.pause();
    const mainPid = (await host.exec(['systemctl', 'show', '--property=MainPID', '--value', 'abaco-pipeline-v2'])).stdout.trim();
    expect((await host.exec(['grep', '^State:', `/proc/${mainPid}/status`])).stdout).toMatch(/State:\s+T \(stopped\)/);
    const stopped = await v2.stop({ graceMs: 10_000 });
    expect(stopped).toMatchObject({ escalatedToKill: false, exit: { exitCode: 0, signal: null } });
    expect(await v2.unitState!()).toBe('inactive');
    await v2[Symbol.asyncDispose]();
    await annotate(`pause ${measured.pauseMs} ms, then GET /health → ${measured.failedProbe}; resume → healthy in ${measured.resumeToHealthyMs} ms`);
  });

  it('kill() is systemctl kill --signal=SIGKILL (also of a paused unit): this invocation exits with it, and systemd restarts the unit (Restart=on-failure)', async ({
    annotate,
  }) => {
    const v1 = await start(spec('v1'));
    await waitHealthy(v1, { path: '/health', timeoutMs: 30_000 });
    expect(await v1.restartCount!()).toBe(0);
    await v1.pause();
    const killing = performance.now();
    await v1.kill();
    expect(await v1.exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(await waitFor(async () => ((await v1.restartCount!()) === 1 ? 1 : undefined), { what: 'systemd did not restart V1 after kill()', timeoutMs: 30_000 })).toBe(1);
    await waitFor(async () => ((await probeHealth(`${v1.baseUrl}/health`)).ok ? true : undefined), { what: 'the restarted V1 not healthy', timeoutMs: 30_000 });
    const healthyAgainMs = Math.round(performance.now() - killing);
    expect(await v1.unitState!()).toBe('active');
    await v1.kill();
    expect(await waitFor(async () => ((await v1.restartCount!()) === 2 ? 2 : undefined), { what: 'systemd did not restart V1 after a second kill()', timeoutMs: 30_000 })).toBe(2);
    expect((await v1.stop({ graceMs: 10_000 })).escalatedToKill).toBe(false);
    expect(await v1.unitState!()).toBe('inactive');
    await v1[Symbol.asyncDispose]();
    await annotate(`kill → the restarted unit healthy in ${healthyAgainMs} ms (RestartSec=1)`);
  });

  it('a unit that is not installed: named, with the host', async () => {
    const other = await open({}, { v1: { unit: 'abaco-pipeline-v9' } });
    try {
      await expect((await other.target.deploy(spec('v1'))).start()).rejects.toThrow(
        `V1 unit abaco-pipeline-v9 is not installed on root@${host.host.address}:22 (LoadState=not-found)`,
      );
      await expect(other.target.inspectArtifact!('v1')).rejects.toThrow('abaco-pipeline-v9 is not installed');
    } finally {
      await other.close();
    }
  });

  it('V1 never healthy (its database unreachable): not healthy after the deadline, naming the URL and the last answer', async () => {
    const v1 = await start(spec('v1', { DATABASE_URL: 'postgres://nobody:x@127.0.0.1:9/none' }));
    const failure = await waitHealthy(v1, { path: '/health', timeoutMs: 4000 }).then(
      () => 'healthy',
      (error: Error) => error.message,
    );
    expect(failure).toMatch(new RegExp(`^V1 not healthy after 4000 ms \\(GET http://${host.host.address.replaceAll('.', '\\.')}:8081/health → `));
    await v1.stop({ graceMs: 5000 });
  });

  it("sshd's MaxSessions all in use: a command waits for a session within its deadline, else fails naming the limit", async () => {
    // The connection a run holds, with a command timeout of 3 s; its 10 sessions (sshd's default MaxSessions) held by
    // journal followers, as a run's units hold them.
    const ssh = new SshConnection(await sshEndpoint(sshHostSchema.parse(host.sshHost()), {}), {
      connectTimeoutMs: 10_000,
      keepaliveIntervalMs: 500,
      keepaliveCountMax: 3,
      commandTimeoutMs: 3000,
    });
    const held: Follow[] = [];
    try {
      for (let i = 0; i < 10; i++) held.push(await ssh.follow(['journalctl', '--unit=ssh', '--follow', '--no-pager'], () => undefined));
      // One stopped 1 s later: its journalctl sees its output closed and exits, and sshd serves the waiting command.
      setTimeout(() => held.shift()?.stop(), 1000);
      const started = Date.now();
      expect(await ssh.exec(['echo', 'served'], 'echoing')).toMatchObject({ code: 0, stdout: 'served\n' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      // All 10 held again, and nothing freed within the deadline: the error says which limit it waited on.
      held.push(await ssh.follow(['journalctl', '--unit=ssh', '--follow', '--no-pager'], () => undefined));
      await expect(ssh.exec(['echo', 'never'], 'echoing again')).rejects.toThrow(
        /no answer within 3000 ms \(the host refused a new session \d+ time\(s\): its sshd's MaxSessions .* while echoing again/,
      );
    } finally {
      for (const follow of held) follow.stop();
      await ssh.close();
    }
  });

  it('SSH connection lost mid-step (sshd and its sessions gone): the step fails naming the host and what it waited for', async () => {
    const v2 = await start(spec('v2', { ABACO_V2_FAULTS: 'ignore-sigterm' }));
    await waitHealthy(v2, { path: '/health', timeoutMs: 30_000 });
    const stopping = v2.stop({ graceMs: 20_000 }).then(
      () => 'stopped',
      (error: Error) => error.message,
    );
    // Once the stop is queued (the unit is deactivating), sshd goes away with the harness's session.
    await waitFor(
      async () => ((await host.exec(['systemctl', 'show', '--property=ActiveState', '--value', 'abaco-pipeline-v2'])).stdout.trim() === 'deactivating' ? true : undefined),
      {
        what: 'V2 not deactivating',
        timeoutMs: 10_000,
        intervalMs: 50,
      },
    );
    await host.exec(['systemctl', 'stop', 'ssh.service']);
    await host.exec(['pkill', '-f', 'sshd: root@notty']);
    try {
      const failure = await stopping;
      expect(failure).toMatch(new RegExp(`^ssh root@${host.host.address.replaceAll('.', '\\.')}:22: .*while waiting for V2 \\(unit abaco-pipeline-v2 on root@.*\\) to stop`));
    } finally {
      await host.exec(['systemctl', 'start', 'ssh.service']);
    }
    // sshd is back: the next command reconnects, and the stop completes (with the kill V2 needs).
    const stopped = await v2.stop({ graceMs: 500 });
    expect(stopped.escalatedToKill).toBe(true);
    expect(await v2.isRunning()).toBe(false);
  });

  it('SSH host not answering (container paused) mid-step: noticed by keepalives, named', async () => {
    const v1 = await start(spec('v1'));
    await waitHealthy(v1, { path: '/health', timeoutMs: 30_000 });
    const container = host.engine.docker.getContainer(host.host.name);
    await container.pause();
    try {
      const started = Date.now();
      const failure = await v1.stop({ graceMs: 10_000 }).then(
        () => 'stopped',
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/^ssh root@.*:22: the connection was lost while (checking|stopping) V1/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await container.unpause();
    }
    expect((await v1.stop({ graceMs: 10_000 })).escalatedToKill).toBe(false);
  });

  it('refuses a host whose key does not match known_hosts, naming the fingerprint; connects with checking explicitly off', async () => {
    const wrong = await open({ knownHostsFile: await host.wrongKnownHosts() });
    await expect(wrong.prepare!({ progress: () => undefined, signal: new AbortController().signal })).rejects.toThrow(
      new RegExp(`HOST KEY MISMATCH for ${host.host.address.replaceAll('.', '\\.')}: it presented ssh-ed25519 SHA256:\\S+, but .*wrong_known_hosts lists other keys`),
    );
    await wrong.close();
    const lines: string[] = [];
    const unchecked = await open({ knownHostsFile: '/nonexistent', hostKeyChecking: false });
    await unchecked.prepare!({ progress: (line) => lines.push(line), signal: new AbortController().signal });
    expect(lines.join('\n')).toContain('NOT verified');
    await unchecked.close();
  });
});
