import Docker from 'dockerode';
import { RUN_ID_LABEL } from '../../src/targets/engine/run-labels.ts';
import { dockerTestsRun } from './docker.ts';

/** The swarm tests need a Docker engine (they make it a one-node swarm themselves): they run when the docker tests do. */
export const swarmTestsRun = dockerTestsRun;

/** The engine's swarm state: 'inactive' when it is in no swarm. */
export async function swarmState(docker = new Docker()): Promise<string> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  return info.Swarm?.LocalNodeState ?? 'inactive';
}

/** Services, networks and containers still carrying a run's label: what a test must leave none of. */
export async function runLeftovers(runId: string, docker = new Docker()): Promise<string[]> {
  const label = [`${RUN_ID_LABEL}=${runId}`];
  const state = await swarmState(docker);
  const services = state === 'active' ? ((await docker.listServices({ filters: { label } })) as Array<{ Spec?: { Name?: string } }>) : [];
  const networks = await docker.listNetworks({ filters: { label } });
  const containers = await docker.listContainers({ all: true, filters: { label } });
  return [...services.map((s) => `service ${s.Spec?.Name}`), ...networks.map((n) => `network ${n.Name}`), ...containers.map((c) => `container ${c.Names[0]}`)];
}
