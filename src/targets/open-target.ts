import { targetRegistry, type TargetRegistry } from './registry.ts';
import type { TargetConfigBase, TargetOpenOptions } from './target-plugin.ts';
import type { TargetSession } from './target-session.ts';

export interface OpenTargetOptions extends TargetOpenOptions {
  /** Where the config's target kind is looked up: the built-ins, or a registry with the config's `plugins.targets`. */
  registry?: TargetRegistry;
}

/** Opens the configured target for one run: its kind's plugin, looked up in the registry (an unknown kind is a HarnessError naming the known ones). */
export function openTarget(config: TargetConfigBase, options: OpenTargetOptions): Promise<TargetSession> {
  const { registry = targetRegistry(), ...open } = options;
  return registry.get(config.kind).open(config, open);
}
