import { defineTargetPlugin } from '../target-plugin.ts';
import { dockerTargetSchema, type DockerTargetConfig } from './docker-schema.ts';

/** Containers of the versions' images on a Docker engine (falling back to local processes only when the config asks). */
export const dockerTarget = defineTargetPlugin({
  kind: 'docker',
  description: 'containers on a Docker engine',
  schema: dockerTargetSchema,
  needsEngine: true,
  open: async (config, options) => (await import('./docker-session.ts')).openDocker(config, options),
  // `--target docker` keeps a docker environment's own settings, but a forced docker target never falls back to local processes.
  forced(current) {
    const { fallback: _ignored, ...forced } = current?.kind === 'docker' ? (current as DockerTargetConfig) : dockerTargetSchema.parse({ kind: 'docker' });
    return forced;
  },
});
