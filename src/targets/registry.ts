import { z } from 'zod';
import { HarnessError } from '../errors.ts';
import { dockerTarget } from './docker/index.ts';
import { processTarget } from './process/index.ts';
import { sshSystemdTarget } from './ssh-systemd/index.ts';
import { swarmTarget } from './swarm/index.ts';
import type { TargetConfigBase, TargetPlugin, TargetSchema } from './target-plugin.ts';

/** The targets the harness ships, in the order help texts and the drill suites list them. */
export const builtInTargets = [processTarget, dockerTarget, swarmTarget, sshSystemdTarget] as const;

/** The config's `target` with the built-in targets only: what config/schema.ts types environments with. */
export const builtInTargetSchema = z.discriminatedUnion('kind', [processTarget.schema, dockerTarget.schema, swarmTarget.schema, sshSystemdTarget.schema]);
export type BuiltInTargetConfig = z.output<typeof builtInTargetSchema>;
export type BuiltInTargetKind = BuiltInTargetConfig['kind'];

/** A registry entry: a built-in target's kind, or a plugin object of the user's (as vitest's `pool` takes a name or an implementation). */
export type TargetEntry = BuiltInTargetKind | TargetPlugin;

export interface TargetRegistry {
  /** Every kind it knows, built-ins first. */
  readonly kinds: readonly string[];
  /** The plugin of a kind; an unknown kind is a HarnessError naming it and the known kinds. */
  get(kind: string): TargetPlugin;
  /** The config's `target`: the discriminated union (on `kind`) of every plugin's schema. */
  configSchema(): z.ZodType<TargetConfigBase>;
  /** The target `--target <kind>` runs an environment with, given the environment's own (see TargetPlugin.forced). */
  forced(kind: string, current: TargetConfigBase | undefined): TargetConfigBase;
}

const KIND = /^[a-z][a-z0-9-]{0,40}$/;

/**
 * The plug-in point of targets: the built-ins, and the entries of the config's `plugins.targets`. Adding a
 * target is one folder with a TargetPlugin in its index.ts, listed here or given by the user: the config
 * schema, `--target`, opening a run and the drill suites' list all come from the registry.
 */
export function targetRegistry(entries: readonly TargetEntry[] = []): TargetRegistry {
  const plugins = new Map<string, TargetPlugin>(builtInTargets.map((plugin) => [plugin.kind, plugin as TargetPlugin]));
  const builtIn = new Set<string>(plugins.keys());
  for (const entry of entries) {
    if (typeof entry === 'string') {
      if (!builtIn.has(entry)) throw new HarnessError(`plugins.targets: '${entry}' is not a built-in target (built-in: ${[...builtIn].join(', ')}); give the plugin object itself`);
      continue;
    }
    checkPlugin(entry);
    if (plugins.has(entry.kind)) {
      throw new HarnessError(`plugins.targets: a target of kind '${entry.kind}' is already registered${builtIn.has(entry.kind) ? ' (built-in)' : ''}; give yours another kind`);
    }
    plugins.set(entry.kind, entry);
  }
  const kinds = [...plugins.keys()];
  let schema: z.ZodType<TargetConfigBase> | undefined;
  const get = (kind: string): TargetPlugin => {
    const plugin = plugins.get(kind);
    if (!plugin) throw new HarnessError(`no target of kind '${kind}' (known: ${kinds.join(', ')})`);
    return plugin;
  };
  return {
    kinds,
    get,
    configSchema() {
      const schemas = [...plugins.values()].map((plugin) => plugin.schema) as [TargetSchema, ...TargetSchema[]];
      return (schema ??= z.discriminatedUnion('kind', schemas));
    },
    forced(kind, current) {
      const plugin = get(kind);
      if (plugin.forced) return plugin.forced(current);
      if (current?.kind === kind) return current;
      const defaults = plugin.schema.safeParse({ kind });
      if (!defaults.success) {
        throw new HarnessError(
          `--target ${kind}: target '${kind}' has no defaults to run an environment of kind '${current?.kind ?? 'none'}' with (${defaults.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`,
        );
      }
      return defaults.data;
    },
  };
}

/** A user's plugin object is checked before its schema joins the union: a bad one is named, not a zod internals error. */
function checkPlugin(plugin: TargetPlugin): void {
  if (typeof plugin !== 'object' || plugin === null) throw new HarnessError(`plugins.targets: an entry is neither a built-in kind nor a plugin object (${String(plugin)})`);
  const what = `plugins.targets: the target plugin ${typeof plugin.kind === 'string' ? `'${plugin.kind}'` : String(plugin.kind)}`;
  if (typeof plugin.kind !== 'string' || !KIND.test(plugin.kind)) throw new HarnessError(`${what} needs a kind of lower-case letters, digits and -`);
  if (typeof plugin.description !== 'string' || plugin.description === '') throw new HarnessError(`${what} needs a description`);
  if (typeof plugin.open !== 'function') throw new HarnessError(`${what} needs an open(config, options) function`);
  if (plugin.forced !== undefined && typeof plugin.forced !== 'function') throw new HarnessError(`${what}: forced must be a function`);
  const shape = (plugin.schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  const kind = shape?.['kind'];
  if (!kind?.safeParse(plugin.kind).success || kind.safeParse(`${plugin.kind}-not`).success) {
    throw new HarnessError(`${what} needs a schema that is a zod object with kind: z.literal('${plugin.kind}')`);
  }
}
