import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { openTarget } from './open-target.ts';
import { builtInTargets, targetRegistry } from './registry.ts';
import { defineTargetPlugin, type TargetPlugin } from './target-plugin.ts';
import type { TargetSession } from './target-session.ts';

// A user's target (a pure fake: this tests the registry, not a deployment): its own kind, schema and open().
const opened: unknown[] = [];
const nomad = defineTargetPlugin({
  kind: 'nomad',
  description: 'jobs on a Nomad cluster',
  schema: z.strictObject({ kind: z.literal('nomad'), address: z.string().url(), namespace: z.string().default('default') }),
  async open(config, options) {
    opened.push({ config, runId: options.runId });
    return {
      target: { kind: 'nomad', description: config.address, deploy: () => Promise.reject(new Error('not in a unit test')) },
      serviceHost: async () => '10.0.0.1',
      close: async () => ({ leftovers: [], errors: [] }),
    } satisfies TargetSession;
  },
});

const thrown = (call: () => unknown): Error => {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    return error as Error;
  }
  throw new Error('it did not throw');
};

describe('targetRegistry', () => {
  it('knows the built-in targets, in order, and names the known kinds for an unknown one', () => {
    const registry = targetRegistry();
    expect(registry.kinds).toEqual(['process', 'docker', 'swarm', 'ssh-systemd']);
    expect(registry.get('swarm')).toBe(builtInTargets[2]);
    expect(thrown(() => registry.get('kubernetes')).message).toBe("no target of kind 'kubernetes' (known: process, docker, swarm, ssh-systemd)");
  });

  it('accepts a user plugin object beside built-in names: its schema joins the config union and validates its config', async () => {
    const registry = targetRegistry(['docker', nomad]);
    expect(registry.kinds).toEqual(['process', 'docker', 'swarm', 'ssh-systemd', 'nomad']);
    const schema = registry.configSchema();
    expect(schema.parse({ kind: 'nomad', address: 'http://nomad:4646' })).toEqual({ kind: 'nomad', address: 'http://nomad:4646', namespace: 'default' });
    expect(schema.parse({ kind: 'docker' })).toMatchObject({ kind: 'docker', v1: { image: 'drill-pipeline-v1:latest' } });
    const bad = schema.safeParse({ kind: 'nomad', address: 'not a url', region: 'x' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.') || i.code)).toEqual(expect.arrayContaining(['address', 'unrecognized_keys']));
    const unknown = schema.safeParse({ kind: 'kubernetes' });
    expect(unknown.error!.issues[0]!.message).toMatch(/'process' \| 'docker' \| 'swarm' \| 'ssh-systemd' \| 'nomad'/);
    expect(thrown(() => registry.get('k8s')).message).toBe("no target of kind 'k8s' (known: process, docker, swarm, ssh-systemd, nomad)");

    const config = schema.parse({ kind: 'nomad', address: 'http://nomad:4646' });
    const session = await openTarget(config, { runId: 'r1', env: {}, registry });
    expect(session.target.description).toBe('http://nomad:4646');
    expect(opened).toEqual([{ config, runId: 'r1' }]);
  });

  it('forces a kind for --target: the plugin’s rule, else the environment’s own settings of that kind, else its defaults', () => {
    const registry = targetRegistry([nomad]);
    const docker = registry.configSchema().parse({ kind: 'docker', v1: { image: 'team/v1:7' }, fallback: 'process' });
    expect(registry.forced('docker', docker)).toMatchObject({ kind: 'docker', v1: { image: 'team/v1:7' } });
    expect(registry.forced('docker', docker)).not.toHaveProperty('fallback');
    expect(registry.forced('swarm', docker)).toMatchObject({ kind: 'swarm', v1: { image: 'team/v1:7' }, v2: { image: 'drill-pipeline-v2:latest' } });
    expect(registry.forced('process', docker)).toEqual({ kind: 'process' });
    expect(registry.forced('ssh-systemd', undefined)).toMatchObject({ kind: 'ssh-systemd', host: { kind: 'test-container' } });
    const own = { kind: 'nomad', address: 'http://n:1', namespace: 'x' };
    expect(registry.forced('nomad', own)).toBe(own);
    // A plugin whose config has required settings cannot be forced on another kind's environment: named, with what is missing.
    expect(thrown(() => registry.forced('nomad', docker)).message).toMatch(
      /^--target nomad: target 'nomad' has no defaults to run an environment of kind 'docker' with \(address: /,
    );
  });

  it('refuses a bad entry by name: an unknown built-in, a duplicate kind, a schema without its kind literal', () => {
    expect(thrown(() => targetRegistry(['kubernetes' as 'docker'])).message).toBe(
      "plugins.targets: 'kubernetes' is not a built-in target (built-in: process, docker, swarm, ssh-systemd); give the plugin object itself",
    );
    expect(thrown(() => targetRegistry([{ ...nomad, kind: 'docker', schema: z.strictObject({ kind: z.literal('docker') }) } as TargetPlugin])).message).toBe(
      "plugins.targets: a target of kind 'docker' is already registered (built-in); give yours another kind",
    );
    expect(thrown(() => targetRegistry([nomad, nomad])).message).toContain("a target of kind 'nomad' is already registered;");
    const withoutLiteral = { ...nomad, schema: z.strictObject({ kind: z.string() }) } as unknown as TargetPlugin;
    expect(thrown(() => targetRegistry([withoutLiteral])).message).toBe(
      "plugins.targets: the target plugin 'nomad' needs a schema that is a zod object with kind: z.literal('nomad')",
    );
    expect(thrown(() => targetRegistry([{ ...nomad, kind: 'Nomad!' } as TargetPlugin])).message).toContain('needs a kind of lower-case letters');
    expect(thrown(() => targetRegistry([{ ...nomad, open: undefined } as unknown as TargetPlugin])).message).toContain('needs an open(config, options) function');
  });
});
