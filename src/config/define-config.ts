import type { ConfigInput } from './schema.ts';

/** Typed identity for `drill.config.ts`: editors complete and check the config as it is written. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
