import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HarnessError, errorMessage } from '../../errors.ts';
import { verifyHostKey } from './known-hosts.ts';
import type { SshEndpoint } from './ssh-connection.ts';
import type { SshHostConfig } from './ssh-systemd-schema.ts';

const expandHome = (path: string, home: string) => (path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path);

/**
 * The SSH endpoint a config describes: the key file (or the agent at SSH_AUTH_SOCK), the passphrase from
 * the environment variable it names, and host-key verification against known_hosts unless explicitly off.
 * Errors name the files and variables, never their contents.
 */
export async function sshEndpoint(host: SshHostConfig, env: NodeJS.ProcessEnv, home = env['HOME'] ?? homedir()): Promise<SshEndpoint> {
  const endpoint: SshEndpoint = { host: host.address, port: host.port, user: host.user };
  if (host.identityFile) {
    const file = expandHome(host.identityFile, home);
    endpoint.privateKey = await readFile(file).catch((error: unknown) => {
      throw new HarnessError(
        `target ssh-systemd: cannot read the SSH identity file ${file} (target.host.identityFile): ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
      );
    });
    if (host.passphraseEnv) {
      const passphrase = env[host.passphraseEnv];
      if (!passphrase) throw new HarnessError(`target ssh-systemd: ${host.passphraseEnv} (target.host.passphraseEnv) is not set`);
      endpoint.passphrase = passphrase;
    }
  } else if (env['SSH_AUTH_SOCK']) {
    endpoint.agent = env['SSH_AUTH_SOCK'];
  } else {
    throw new HarnessError('target ssh-systemd: no SSH identity: set target.host.identityFile, or run an SSH agent (SSH_AUTH_SOCK is not set)');
  }
  if (host.hostKeyChecking) {
    const file = expandHome(host.knownHostsFile, home);
    const knownHosts = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new HarnessError(
        `target ssh-systemd: cannot read the known_hosts file ${file} (target.host.knownHostsFile): ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}; host-key checking is on (hostKeyChecking: false turns it off, for throwaway hosts only)`,
      );
    });
    endpoint.verifyHostKey = (key) => {
      const verdict = verifyHostKey(knownHosts, host.address, host.port, key, file);
      return verdict.ok ? undefined : verdict.why;
    };
  }
  return endpoint;
}
