import { describe, expect, it } from 'vitest';
import { SshSystemdTarget, type SshSystemdContext } from './ssh-systemd/ssh-systemd-target.ts';
import { SwarmTarget, type SwarmTargetContext } from './swarm/swarm-target.ts';

// Pure logic: which targets can run a version's second deployment (a run from scratch) beside the drill's V2.
// The contexts hold only what the constructors and runsBeside read; nothing is connected.

function systemd(v1: { unit: string; port: number }, v2: { unit: string; port: number }): SshSystemdTarget {
  const config = { sudo: false, v1, v2 };
  return new SshSystemdTarget({ config, hostLabel: 'test host', host: () => Promise.reject(new Error('not connected')) } as unknown as SshSystemdContext);
}

function swarm(services: 'one' | 'two'): SwarmTarget {
  const serviceNames = services === 'one' ? { v1: 'drill-app', v2: 'drill-app' } : { v1: 'drill-v1', v2: 'drill-v2' };
  const config = { services, rollback: 'update', v1: { image: 'v1:test' }, v2: { image: 'v2:test' } };
  return new SwarmTarget({ engine: { version: '20.10' }, config, serviceNames } as unknown as SwarmTargetContext);
}

describe('Target.runsBeside', () => {
  it('ssh-systemd: only as two units on two ports (one unit runs once per host)', () => {
    expect(systemd({ unit: 'abaco-v1.service', port: 8081 }, { unit: 'abaco-v2.service', port: 8082 }).runsBeside('v1', 'v2')).toBe(true);
    expect(systemd({ unit: 'abaco.service', port: 8081 }, { unit: 'abaco.service', port: 8082 }).runsBeside('v1', 'v2')).toBe(false);
    expect(systemd({ unit: 'abaco-v1.service', port: 8080 }, { unit: 'abaco-v2.service', port: 8080 }).runsBeside('v1', 'v2')).toBe(false);
    // A second V2 beside the drill's V2 is the same unit.
    expect(systemd({ unit: 'abaco-v1.service', port: 8081 }, { unit: 'abaco-v2.service', port: 8082 }).runsBeside('v2', 'v2')).toBe(false);
  });

  it('swarm: only with a service per version (a second deployment would update the one service)', () => {
    expect(swarm('two').runsBeside('v1', 'v2')).toBe(true);
    expect(swarm('one').runsBeside('v1', 'v2')).toBe(false);
    expect(swarm('two').runsBeside('v2', 'v2')).toBe(false);
  });
});
