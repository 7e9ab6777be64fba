import { startContainerPostgres } from '../../database/container-postgres.ts';
import { HarnessError } from '../../errors.ts';
import { processSession } from '../process/process-target.ts';
import type { TargetOpenOptions } from '../target-plugin.ts';
import type { TargetSession } from '../target-session.ts';
import type { DockerTargetConfig } from './docker-schema.ts';
import { DockerTarget } from './docker-target.ts';
import { ENGINE_HINT, probeEngine, type Engine } from '../engine/engine.ts';
import { networkGateway } from '../engine/network-gateway.ts';
import { prepareImages } from '../engine/prepare-images.ts';
import { RUN_ID_LABEL, removeLabelled, removeOrphans, runLabels } from '../engine/run-labels.ts';

/**
 * The docker target's `open`. Without an engine it falls back to local processes only when the config
 * asks for it and never in CI, where a missing engine must fail the run rather than quietly test
 * something else.
 */
export async function openDocker(config: DockerTargetConfig, options: TargetOpenOptions): Promise<TargetSession> {
  const probe = await probeEngine(options.env, config.engineTimeoutMs);
  if (probe.ok) return openDockerSession(probe.engine, config, options.runId);
  if (config.fallback === 'process' && options.env['CI'] !== 'true') {
    return processSession(`${probe.why}: kept the embedded default, local processes (--target docker forces containers)`);
  }
  const why = config.fallback === 'process' ? ' (CI=true: no fallback to local processes in CI)' : '';
  throw new HarnessError(`target docker: ${probe.why}${why}; ${ENGINE_HINT}`);
}

/**
 * One run on the docker target: a network of its own (the Postgres container and V1/V2 meet
 * there), every container and the network labelled with the run id, all of it removed at close —
 * also what a failed or interrupted test left. Containers a killed harness left are removed first.
 */
export async function openDockerSession(engine: Engine, config: DockerTargetConfig, runId: string): Promise<TargetSession> {
  const { docker } = engine;
  const orphans = await removeOrphans(docker);
  const labels = runLabels(runId);
  const network = `drill-${runId.toLowerCase()}`;
  await docker.createNetwork({ Name: network, Labels: labels, CheckDuplicate: true });
  const images = [config.v1.image, config.v2.image, config.postgresImage];
  const orphanNotice =
    orphans.containers.length + orphans.networks.length > 0 ? `removed what a killed harness left: ${[...orphans.containers, ...orphans.networks].join(', ')}` : undefined;
  return {
    target: new DockerTarget({ engine, config, network, labels }),
    ...(orphanNotice ? { notice: orphanNotice } : {}),
    prepare: (options) => (config.buildImages ? prepareImages(images, options) : Promise.resolve()),
    serviceHost: () => networkGateway(docker, network, 'the containers'),
    startEphemeralPostgres: () => startContainerPostgres({ image: config.postgresImage, network, alias: 'postgres', labels }),
    async close() {
      const removed = await removeLabelled(docker, RUN_ID_LABEL, runId);
      return { leftovers: removed.containers, errors: removed.errors };
    },
  };
}
