import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startContainerPostgres } from '../../src/database/container-postgres.ts';
import type { PostgresServer } from '../../src/database/postgres-server.ts';
import { probeEngine, type Engine } from '../../src/targets/engine/engine.ts';
import { RUN_ID_LABEL, removeLabelled, runLabels } from '../../src/targets/engine/run-labels.ts';
import { execInContainer } from '../../src/targets/engine/container-exec.ts';
import { postgresByAddress } from '../../src/targets/ssh-systemd/postgres-by-address.ts';
import { startTestHost, type TestHost } from '../../src/targets/ssh-systemd/test-host-container.ts';
import ssh2 from 'ssh2';

export interface SystemdTestHost extends AsyncDisposable {
  engine: Engine;
  host: TestHost;
  network: string;
  postgres: PostgresServer;
  /** Mounted at the same path in the test host, world-traversable so the units' user reaches its outputs below it. */
  sharedDir: string;
  /** The ssh-systemd target config a team would write for this host (kind 'ssh'). */
  sshHost(extra?: Record<string, unknown>): Record<string, unknown>;
  /** A known_hosts file listing another key for the host: what a man in the middle looks like. */
  wrongKnownHosts(): Promise<string>;
  /** Runs a command in the test host through the engine (fault injection: kill sshd's connections). */
  exec(cmd: string[]): Promise<{ exitCode: number | null; stdout: string; stderr: string }>;
}

/**
 * The test host for integration tests: a drill-systemd-host container and a Postgres container on a network
 * of their own, all labelled with a run id of this helper (removed by the next run if this one is killed).
 * `await using host = await startSystemdTestHost()` removes them all.
 */
export async function startSystemdTestHost(): Promise<SystemdTestHost> {
  const probe = await probeEngine(process.env, 10_000);
  if (!probe.ok) throw new Error(`the ssh-systemd tests need a Docker engine: ${probe.why}`);
  const { docker } = probe.engine;
  const runId = `it-ssh-${Date.now()}`;
  const labels = runLabels(runId);
  const network = `drill-${runId}`;
  const sharedDir = await mkdtemp(join(tmpdir(), 'drill-ssh-it-'));
  await chmod(sharedDir, 0o755);
  const cleanup = async () => {
    await removeLabelled(docker, RUN_ID_LABEL, runId);
    await rm(sharedDir, { recursive: true, force: true });
  };
  try {
    await docker.createNetwork({ Name: network, Labels: labels, CheckDuplicate: true });
    const name = `${network}-systemd-host`;
    const [host, server] = await Promise.all([
      startTestHost({ docker, image: 'drill-systemd-host:latest', name, network, labels, sharedDirs: [sharedDir], bootTimeoutMs: 60_000 }),
      startContainerPostgres({ image: 'drill-postgres:latest', network, alias: 'postgres', labels }),
    ]);
    const postgres = await postgresByAddress(server, docker, network, name);
    return {
      engine: probe.engine,
      host,
      network,
      postgres,
      sharedDir,
      sshHost: (extra = {}) => ({ kind: 'ssh', address: host.address, port: 22, user: 'root', identityFile: host.identityFile, knownHostsFile: host.knownHostsFile, ...extra }),
      async wrongKnownHosts() {
        const file = join(sharedDir, 'wrong_known_hosts');
        await writeFile(file, `${host.address} ${ssh2.utils.generateKeyPairSync('ed25519').public}\n`);
        return file;
      },
      exec: (cmd) => execInContainer(docker, host.name, cmd, { timeoutMs: 60_000 }),
      async [Symbol.asyncDispose]() {
        await host.remove().catch(() => undefined);
        await postgres.stop().catch(() => undefined);
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
