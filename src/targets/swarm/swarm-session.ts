import { startContainerPostgres } from '../../database/container-postgres.ts';
import { HarnessError, errorMessage } from '../../errors.ts';
import { ENGINE_HINT, probeEngine, type Engine } from '../engine/engine.ts';
import { networkGateway } from '../engine/network-gateway.ts';
import { prepareImages } from '../engine/prepare-images.ts';
import { RUN_ID_LABEL, removeLabelled, removeOrphans, runLabels } from '../engine/run-labels.ts';
import type { TargetOpenOptions } from '../target-plugin.ts';
import type { TargetSession } from '../target-session.ts';
import { removeNetwork, removeOrphanServices, removeRunServices } from './swarm-cleanup.ts';
import { withSwarmLock } from './swarm-lock.ts';
import { joinSwarm, leaveIfLast } from './swarm-membership.ts';
import type { SwarmTargetConfig } from './swarm-schema.ts';
import { SwarmTarget } from './swarm-target.ts';

export interface SwarmSessionOptions {
  /** The machine-wide lock folder (tests pass their own). */
  lockPath?: string;
}

/** The swarm target's `open`: the engine must answer (there is no fallback to local processes). */
export async function openSwarm(config: SwarmTargetConfig, options: TargetOpenOptions): Promise<TargetSession> {
  const probe = await probeEngine(options.env, config.engineTimeoutMs);
  if (!probe.ok) throw new HarnessError(`target swarm: ${probe.why}; ${ENGINE_HINT}`);
  return openSwarmSession(probe.engine, config, options.runId);
}

/**
 * One run on the swarm target: the engine made a swarm manager if it is not one (and the swarm left
 * at the end when the harness created it and nothing else uses it), an attachable overlay network
 * of the run (the services' tasks and the Postgres container meet there), the run's service(s), all
 * labelled with the run id and removed at close — also what a killed harness left.
 */
export async function openSwarmSession(engine: Engine, config: SwarmTargetConfig, runId: string, options: SwarmSessionOptions = {}): Promise<TargetSession> {
  if (config.rollback === 'service-rollback' && config.services === 'two') {
    throw new HarnessError("target swarm: rollback 'service-rollback' rolls one service back to its previous spec: it needs services: 'one'");
  }
  const { docker } = engine;
  const lock = options.lockPath ? { path: options.lockPath } : {};
  const labels = runLabels(runId);
  const network = `drill-swarm-${runId.toLowerCase()}`;
  const suffix = runId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(-6);
  const base = `${config.service}-${suffix}`;
  const serviceNames = config.services === 'one' ? { v1: base, v2: base } : { v1: `${base}-v1`, v2: `${base}-v2` };
  const { membership, orphans } = await withSwarmLock(async () => {
    const membership = await joinSwarm(docker, config.advertiseAddr);
    const services = await removeOrphanServices(docker);
    const rest = await removeOrphans(docker);
    await docker.createNetwork({ Name: network, Driver: 'overlay', Attachable: true, Labels: labels, CheckDuplicate: true });
    return { membership, orphans: [...services.services, ...rest.containers, ...rest.networks] };
  }, lock);
  const notices = [
    ...(membership.initialised ? [`initialised a one-node swarm (docker swarm init --advertise-addr ${config.advertiseAddr}), left at the end`] : []),
    ...(orphans.length > 0 ? [`removed what a killed harness left: ${orphans.join(', ')}`] : []),
  ];
  const images = [config.v1.image, config.v2.image, config.postgresImage];
  return {
    target: new SwarmTarget({ engine, config, network, labels, taskLabels: { [RUN_ID_LABEL]: runId }, serviceNames }),
    ...(notices.length > 0 ? { notice: notices.join('; ') } : {}),
    prepare: (options) => (config.buildImages ? prepareImages(images, options) : Promise.resolve()),
    // Tasks on an overlay network also sit on docker_gwbridge, whose gateway is this machine as they see it
    // (the overlay's own gateway is not): a server bound there is reachable from the tasks and the harness.
    serviceHost: () => networkGateway(docker, 'docker_gwbridge', 'the service tasks'),
    startEphemeralPostgres: () => startContainerPostgres({ image: config.postgresImage, network, alias: 'postgres', labels }),
    async close() {
      return withSwarmLock(async () => {
        const errors: string[] = [];
        const leftovers: string[] = [];
        // A service still running tasks is a leftover: every test scales its versions down.
        const running = (await docker.listServices({ filters: { label: [`${RUN_ID_LABEL}=${runId}`] } }).catch(() => [])) as Array<{
          Spec?: { Name?: string; Mode?: { Replicated?: { Replicas?: number } } };
        }>;
        leftovers.push(...running.filter((s) => (s.Spec?.Mode?.Replicated?.Replicas ?? 0) > 0).map((s) => `service ${s.Spec?.Name}`));
        const services = await removeRunServices(docker, runId);
        errors.push(...services.errors);
        const rest = await removeLabelled(docker, RUN_ID_LABEL, runId);
        leftovers.push(...rest.containers);
        // The network goes below, once the engine has detached the removed tasks' endpoints.
        errors.push(...rest.errors.filter((e) => !e.startsWith(`network ${network}:`)));
        const networkError = await removeNetwork(docker, network);
        if (networkError) errors.push(networkError);
        if (membership.createdByHarness || membership.initialised) {
          await leaveIfLast(docker).catch((error: unknown) => errors.push(`leaving the swarm: ${errorMessage(error)}`));
        }
        return { leftovers, errors };
      }, lock);
    },
  };
}
