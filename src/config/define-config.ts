import type { PluginsInput } from './plugins.ts';
import type { ConfigInput } from './schema.ts';

/** A config as written: its environments, and the drills, targets, reporters and notification kinds it adds. */
export type DrillConfigInput = ConfigInput & { plugins?: PluginsInput };

/** Typed identity for `drill.config.ts`: editors complete and check the config as it is written. */
export function defineConfig<T extends DrillConfigInput>(config: T): T {
  return config;
}
