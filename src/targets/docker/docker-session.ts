import type { DockerTargetConfig } from '../../config/schema.ts';
import { startContainerPostgres } from '../../database/container-postgres.ts';
import { ensureImages } from '../../../containers/build/ensure-images.ts';
import { imageRecipes } from '../../../containers/build/recipes.ts';
import type { TargetSession } from '../target-session.ts';
import { DockerTarget } from './docker-target.ts';
import type { Engine } from './engine.ts';
import { recipesFor } from './reference-images.ts';
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
    async prepare({ progress, signal }) {
      const recipes = config.buildImages ? recipesFor(images, imageRecipes()) : [];
      if (recipes.length === 0) return;
      const started = performance.now();
      const outcomes = await ensureImages({ recipes, signal, progress: (line) => progress(`images: ${line}`) });
      const built = outcomes.filter((o) => o.action === 'built').map((o) => o.image);
      progress(`images: ${built.length > 0 ? `built ${built.join(', ')}` : 'all up to date'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
    // The network's gateway is this machine as the containers see it: a server bound there is reachable from
    // the containers and the harness, not from other hosts.
    async serviceHost() {
      const inspected = (await docker.getNetwork(network).inspect()) as { IPAM?: { Config?: Array<{ Gateway?: string }> } };
      const gateway = inspected.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
      if (!gateway) throw new Error(`docker network ${network} has no gateway address for the services to reach the harness's servers at`);
      return gateway;
    },
    startEphemeralPostgres: () => startContainerPostgres({ image: config.postgresImage, network, alias: 'postgres', labels }),
    async close() {
      const removed = await removeLabelled(docker, RUN_ID_LABEL, runId);
      return { leftovers: removed.containers, errors: removed.errors };
    },
  };
}
