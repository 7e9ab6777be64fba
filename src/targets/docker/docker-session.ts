import type { DockerTargetConfig } from '../../config/schema.ts';
import { startContainerPostgres } from '../../database/container-postgres.ts';
import type { TargetSession } from '../target-session.ts';
import { DockerTarget } from './docker-target.ts';
import type { Engine } from './engine.ts';
import { networkGateway } from './network-gateway.ts';
import { prepareImages } from './prepare-images.ts';
import { RUN_ID_LABEL, removeLabelled, removeOrphans, runLabels } from './run-labels.ts';

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
  const orphanNotice = orphans.containers.length + orphans.networks.length > 0 ? `removed what a killed harness left: ${[...orphans.containers, ...orphans.networks].join(', ')}` : undefined;
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
