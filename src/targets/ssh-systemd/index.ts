import { defineTargetPlugin } from '../target-plugin.ts';
import { sshSystemdTargetSchema } from './ssh-systemd-schema.ts';

/**
 * systemd units on a host reached over SSH. `--target ssh-systemd` runs on its defaults: the test host
 * container the harness starts itself, which needs a Docker engine (a team's own host does not).
 */
export const sshSystemdTarget = defineTargetPlugin({
  kind: 'ssh-systemd',
  description: 'systemd units on a host over SSH (a test host container by default)',
  schema: sshSystemdTargetSchema,
  needsEngine: true,
  // A team's own host, or the test host container the harness starts (it mounts the run's folder at the same path).
  open: async (config, options) =>
    config.host.kind === 'ssh'
      ? (await import('./remote-host-session.ts')).openRemoteHostSession(config, config.host, options.env)
      : (await import('./test-host-session.ts')).openTestHostSession(config, config.host, options),
});
