import { describe, expect, it } from 'vitest';
import { sshSystemdTargetSchema } from './ssh-systemd-schema.ts';

describe('ssh-systemd target config', () => {
  it('defaults to the test host container and the reference units', () => {
    const config = sshSystemdTargetSchema.parse({ kind: 'ssh-systemd' });
    expect(config.host).toMatchObject({ kind: 'test-container', image: 'drill-systemd-host:latest', buildImages: true });
    expect(config.v1).toEqual({ unit: 'abaco-pipeline-v1', port: 8081 });
    expect(config.v2).toEqual({ unit: 'abaco-pipeline-v2', port: 8082 });
    expect(config.sudo).toBe(false);
  });

  it('takes a team host with host-key checking on by default', () => {
    const config = sshSystemdTargetSchema.parse({
      kind: 'ssh-systemd',
      host: { kind: 'ssh', address: 'etl-staging-01.example.com', user: 'deploy', identityFile: '~/.ssh/drill' },
    });
    expect(config.host).toMatchObject({ port: 22, hostKeyChecking: true, knownHostsFile: '~/.ssh/known_hosts' });
  });

  it('refuses unit names, paths and hosts that are not plain, naming the field', () => {
    const bad = sshSystemdTargetSchema.safeParse({
      kind: 'ssh-systemd',
      host: { kind: 'ssh', address: 'h; rm -rf /', user: 'Root', identityFile: 'k' },
      v1: { unit: 'x;reboot', envFile: '/etc/../etc/shadow' },
      v2: { unit: '--now' },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['host.address', 'host.user', 'v1.unit', 'v1.envFile', 'v2.unit']));
  });

  it('refuses unknown keys', () => {
    expect(sshSystemdTargetSchema.safeParse({ kind: 'ssh-systemd', v1: { unit: 'a', prot: 1 } }).success).toBe(false);
  });
});
