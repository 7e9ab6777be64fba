import type { TargetSession } from '../target-session.ts';
import { openRemoteHostSession } from './remote-host-session.ts';
import type { SshSystemdTargetConfig } from './ssh-systemd-schema.ts';
import { openTestHostSession } from './test-host-session.ts';

export interface SshSystemdSessionOptions {
  runId: string;
  /** The run's folder: with the test host container it is mounted there at the same path. */
  runDir?: string;
  env: NodeJS.ProcessEnv;
}

/** One run on the ssh-systemd target: a team's own host, or the test host container the harness starts. */
export function openSshSystemdSession(config: SshSystemdTargetConfig, options: SshSystemdSessionOptions): Promise<TargetSession> {
  return config.host.kind === 'ssh' ? openRemoteHostSession(config, config.host, options.env) : openTestHostSession(config, config.host, options);
}
