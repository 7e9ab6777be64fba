import type { DockerTargetConfig } from '../docker/docker-schema.ts';
import { defineTargetPlugin } from '../target-plugin.ts';
import { swarmTargetSchema, type SwarmTargetConfig } from './swarm-schema.ts';

/** Versions of one service (or a service each) on a Docker swarm this engine joins or makes, restarted by its orchestrator. */
export const swarmTarget = defineTargetPlugin({
  kind: 'swarm',
  description: 'services on a Docker swarm (a one-node swarm of the local engine by default)',
  schema: swarmTargetSchema,
  needsEngine: true,
  open: async (config, options) => (await import('./swarm-session.ts')).openSwarm(config, options),
  forced(current) {
    if (current?.kind === 'swarm') return current as SwarmTargetConfig;
    // A docker environment's images are the ones a swarm of the same engine runs.
    const docker = current?.kind === 'docker' ? (current as DockerTargetConfig) : undefined;
    const images = docker ? { v1: docker.v1, v2: docker.v2, postgresImage: docker.postgresImage, buildImages: docker.buildImages, runAs: docker.runAs } : {};
    return swarmTargetSchema.parse({ kind: 'swarm', ...images });
  },
});
