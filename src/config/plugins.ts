import { HarnessError } from '../errors.ts';
import type { DrillPlugin } from '../drills/drill-plugin.ts';
import { notificationsSchemaFor } from '../notifications/notifications-schema.ts';
import { builtInChannelKinds, createChannelRegistry, type AnyChannelPlugin, type BuiltInChannelKind, type ChannelRegistry } from '../notifications/registry.ts';
import type { ReporterPlugin } from '../report/reporters.ts';
import { builtInTargets, targetRegistry, type TargetRegistry } from '../targets/registry.ts';
import type { TargetPlugin } from '../targets/target-plugin.ts';
import { configSchemaFor } from './schema.ts';

/**
 * What a drill.config.ts may add to the harness without editing it: drills (run after the four built-in
 * ones, selectable with --only), targets (a new `target.kind`), reporters (named in `report.reporters`,
 * or all of them), notification kinds. Objects with code: a .json or .yaml config cannot have them.
 */
export interface PluginsInput {
  drills?: DrillPlugin[];
  targets?: TargetPlugin[];
  reporters?: ReporterPlugin[];
  notifications?: AnyChannelPlugin[];
}

/** The registries a run works with: the built-ins, then the config's plug-ins. */
export interface Plugins {
  drills: DrillPlugin[];
  reporters: ReporterPlugin[];
  targets: TargetRegistry;
  channels: ChannelRegistry;
}

const lists = ['drills', 'targets', 'reporters', 'notifications'] as const;

/** Reads and checks a config's `plugins` (shape only: each registry names a bad plug-in itself). */
export function pluginsOf(raw: unknown, origin: string, fromCode: boolean): Plugins {
  const given = (raw ?? {}) as Record<string, unknown>;
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw)))
    throw new HarnessError(`invalid config ${origin}: plugins must be an object of lists (${lists.join(', ')})`);
  const unknown = Object.keys(given).filter((k) => !(lists as readonly string[]).includes(k));
  if (unknown.length) throw new HarnessError(`invalid config ${origin}: plugins has no '${unknown.join("', '")}' (it takes ${lists.join(', ')})`);
  if (raw !== undefined && !fromCode) throw new HarnessError(`invalid config ${origin}: plugins are code: give them in a drill.config.ts (or .js), not in JSON or YAML`);
  const list = <T>(key: (typeof lists)[number]): T[] => {
    const value = given[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null))
      throw new HarnessError(`invalid config ${origin}: plugins.${key} must be a list of plug-in objects`);
    return value as T[];
  };
  return {
    drills: list<DrillPlugin>('drills'),
    reporters: list<ReporterPlugin>('reporters'),
    targets: targetRegistry([...builtInTargets.map((t) => t.kind), ...list<TargetPlugin>('targets')]),
    channels: createChannelRegistry([...(Object.keys(builtInChannelKinds) as BuiltInChannelKind[]), ...list<AnyChannelPlugin>('notifications')]),
  };
}

/** The config schema that validates environments with the plug-ins' target kinds and notification kinds. */
export function configSchemaWith(plugins: Plugins) {
  return configSchemaFor({ target: plugins.targets.configSchema(), notifications: notificationsSchemaFor(plugins.channels) });
}
