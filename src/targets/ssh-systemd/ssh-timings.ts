import type { SshTimings } from './ssh-connection.ts';
import type { SshSystemdTargetConfig } from './ssh-systemd-schema.ts';

export const sshTimings = (config: SshSystemdTargetConfig): SshTimings => ({
  connectTimeoutMs: config.connectTimeoutMs,
  keepaliveIntervalMs: config.keepaliveIntervalMs,
  keepaliveCountMax: config.keepaliveCountMax,
  commandTimeoutMs: config.commandTimeoutMs,
});
