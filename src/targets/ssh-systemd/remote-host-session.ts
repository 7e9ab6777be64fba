import { HarnessError } from '../../errors.ts';
import type { TargetSession } from '../target-session.ts';
import { sshEndpoint } from './ssh-endpoint.ts';
import { SshConnection } from './ssh-connection.ts';
import type { SshHostConfig, SshSystemdTargetConfig } from './ssh-systemd-schema.ts';
import { SshSystemdTarget } from './ssh-systemd-target.ts';
import { sshTimings } from './ssh-timings.ts';

/**
 * A run against a team's own host. The harness only connects: the units, their files and the database
 * are the host's. An ephemeral Postgres on this machine would not be reachable from there, so it is refused
 * with the config to use instead; the same for the blob emulator without `harnessAddress`.
 */
export async function openRemoteHostSession(config: SshSystemdTargetConfig, host: SshHostConfig, env: NodeJS.ProcessEnv): Promise<TargetSession> {
  const ssh = new SshConnection(await sshEndpoint(host, env), sshTimings(config));
  const remote = { ssh, serviceAddress: host.serviceAddress ?? host.address };
  const target = new SshSystemdTarget({ config, hostLabel: ssh.label, host: async () => (await ssh.connect(), remote) });
  return {
    target,
    async prepare({ progress }) {
      const started = performance.now();
      await ssh.connect();
      progress(
        `ssh: connected to ${ssh.label} in ${Math.round(performance.now() - started)} ms (host key ${host.hostKeyChecking ? `verified against ${host.knownHostsFile}` : 'NOT verified: hostKeyChecking is off'})`,
      );
    },
    async startEphemeralPostgres() {
      throw new HarnessError(
        `target ssh-systemd: an ephemeral Postgres on this machine is not reachable from ${host.address}; use database: { kind: 'dsn', dsnEnv: '…' } naming a server both reach`,
      );
    },
    async serviceHost() {
      if (!host.harnessAddress)
        throw new HarnessError(
          `target ssh-systemd: set target.host.harnessAddress, the address ${host.address} reaches this machine at (for the blob emulator), or use blob: { kind: 'account', … }`,
        );
      return host.harnessAddress;
    },
    async close() {
      await ssh.close();
      return { leftovers: [], errors: [] };
    },
  };
}
