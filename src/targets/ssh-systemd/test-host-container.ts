import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import ssh2 from 'ssh2';
import { HarnessError, errorMessage } from '../../errors.ts';
import { waitFor } from '../../util/wait-for.ts';
import { removeOnExit } from '../engine/run-labels.ts';
import { execInContainer } from '../engine/container-exec.ts';

export interface TestHostOptions {
  docker: Docker;
  image: string;
  name: string;
  network: string;
  labels: Record<string, string>;
  /** Host folders mounted at the same path (the run's folder: the units' outputs land where the harness reads them). */
  sharedDirs: string[];
  bootTimeoutMs: number;
}

export interface TestHost {
  name: string;
  /** The container's address on the run's network: SSH on port 22, the units' HTTP ports. */
  address: string;
  /** known_hosts written from the host key the container generated at boot, read through the engine. */
  knownHostsFile: string;
  /** The run's throwaway key: its public half is the container's only authorized key. Never printed. */
  identityFile: string;
  remove(): Promise<void>;
}

/**
 * Starts the test host (containers/systemd-host): systemd as PID 1 on the host's cgroup tree (a private
 * cgroup namespace kills it; no --privileged), a fresh key pair for this run whose public key is mounted
 * for root, and host keys generated at first boot — read back through the engine (a trusted channel) into
 * a known_hosts file, so the harness verifies the test host exactly as it verifies a real one.
 */
export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const { docker, name } = options;
  const secrets = await mkdtemp(join(tmpdir(), 'drill-ssh-'));
  await chmod(secrets, 0o700);
  const keys = runKeyPair(`rollback-drill ${name}`);
  const identityFile = join(secrets, 'id_ed25519');
  const publicKeyFile = join(secrets, 'id_ed25519.pub');
  const knownHostsFile = join(secrets, 'known_hosts');
  await writeFile(identityFile, keys.private, { mode: 0o600 });
  await writeFile(publicKeyFile, `${keys.public}\n`, { mode: 0o644 });
  const forget = removeOnExit(name);
  const remove = async () => {
    await docker
      .getContainer(name)
      .remove({ force: true, v: true })
      .catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      });
    forget();
    await rm(secrets, { recursive: true, force: true });
  };
  try {
    const container = await docker.createContainer({
      Image: options.image,
      name,
      Labels: options.labels,
      HostConfig: {
        CgroupnsMode: 'host',
        NetworkMode: options.network,
        Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw', `${publicKeyFile}:/etc/drill/authorized_keys:ro`, ...options.sharedDirs.map((dir) => `${dir}:${dir}:rw`)],
        Tmpfs: { '/run': 'rw,mode=755', '/run/lock': 'rw' },
      },
    } as Docker.ContainerCreateOptions);
    await container.start();
    const inspected = await container.inspect();
    const address = inspected.NetworkSettings.Networks[options.network]?.IPAddress;
    if (!address) throw new Error(`no address on network ${options.network}`);
    const hostKey = await waitFor(
      async () => {
        const state = await container.inspect();
        if (!state.State.Running) throw new Error(`it exited (code ${state.State.ExitCode}) while booting`);
        const read = await execInContainer(docker, name, ['cat', '/etc/ssh/ssh_host_ed25519_key.pub'], { timeoutMs: options.bootTimeoutMs });
        return read.exitCode === 0 && read.stdout.startsWith('ssh-ed25519 ') ? read.stdout.trim().split(/\s+/).slice(0, 2).join(' ') : undefined;
      },
      { what: `the test host ${name} generated no SSH host key`, timeoutMs: options.bootTimeoutMs, intervalMs: 100 },
    );
    await waitFor(
      async () =>
        (await execInContainer(docker, name, ['systemctl', 'is-active', 'ssh.service'], { timeoutMs: options.bootTimeoutMs })).stdout.trim() === 'active' ? true : undefined,
      {
        what: `sshd in the test host ${name} not active`,
        timeoutMs: options.bootTimeoutMs,
        intervalMs: 100,
      },
    );
    await writeFile(knownHostsFile, `${address} ${hostKey}\n`, { mode: 0o600 });
    return { name, address, knownHostsFile, identityFile, remove };
  } catch (error) {
    await remove().catch(() => undefined);
    throw new HarnessError(`the test host container ${name} (${options.image}) did not boot: ${errorMessage(error)}`);
  }
}

/**
 * A throwaway ed25519 pair in OpenSSH format. ssh2 1.17's generator makes a key its own parser rejects
 * ("Malformed OpenSSH private key") about 4 times in 1000 (measured: 13 of 3000), so each is parsed
 * before use and a bad one is replaced.
 */
function runKeyPair(comment: string): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const keys = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!(ssh2.utils.parseKey(keys.private) instanceof Error)) return keys;
  }
  throw new Error('ssh2 generated no usable ed25519 key in 20 attempts');
}
