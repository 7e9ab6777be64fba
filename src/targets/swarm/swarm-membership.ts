import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { HarnessError } from '../../errors.ts';
import { pidAlive } from '../../util/pid-alive.ts';
import { OWNER_LABEL } from '../engine/run-labels.ts';

/** Put on a swarm the harness initialised: the last harness session using it leaves it. */
export const SWARM_CREATED_LABEL = 'org.rollback-drill.swarm-created-by';
/** Whether docker_gwbridge existed before the harness's swarm (`kept`) or goes with it (`remove`). */
const GWBRIDGE_LABEL = 'org.rollback-drill.gwbridge';
const GWBRIDGE = 'docker_gwbridge';

export interface Membership {
  /** The harness (this session or an earlier one) initialised the swarm. */
  createdByHarness: boolean;
  /** This session ran `docker swarm init`. */
  initialised: boolean;
  nodes: number;
}

/**
 * Makes the engine a swarm manager: `docker swarm init --advertise-addr <addr>` when it is in no
 * swarm (labelled as the harness's), as it is when it already manages one. A worker node cannot
 * create services: that is a configuration error naming the fix. Call under the swarm lock.
 */
export async function joinSwarm(docker: Docker, advertiseAddr: string): Promise<Membership> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; Nodes?: number } };
  const state = info.Swarm?.LocalNodeState ?? 'inactive';
  if (state === 'inactive') {
    // docker_gwbridge is made when the first container joins an overlay network, and outlives the swarm.
    const gwbridge = await docker
      .getNetwork(GWBRIDGE)
      .inspect()
      .then(
        () => 'kept',
        () => 'remove',
      );
    const labels = { [SWARM_CREATED_LABEL]: `${hostname()}:${process.pid}`, [GWBRIDGE_LABEL]: gwbridge };
    await docker.swarmInit({ ListenAddr: `${advertiseAddr}:2377`, AdvertiseAddr: advertiseAddr, Spec: { Labels: labels } });
    return { createdByHarness: true, initialised: true, nodes: 1 };
  }
  if (state !== 'active' || !info.Swarm?.ControlAvailable) {
    throw new HarnessError(
      `target swarm: this Docker engine is a swarm ${state === 'active' ? 'worker' : `node in state '${state}'`}, not a manager: point DOCKER_HOST at a manager`,
    );
  }
  const swarm = (await docker.swarmInspect()) as { Spec?: { Labels?: Record<string, string> } };
  return { createdByHarness: Boolean(swarm.Spec?.Labels?.[SWARM_CREATED_LABEL]), initialised: false, nodes: info.Swarm.Nodes ?? 1 };
}

/**
 * Leaves a swarm the harness created once nothing else uses it: no service at all (a drill's or
 * anyone's) and no other live harness's overlay network. Returns whether it left. Call under the
 * swarm lock, after removing this session's services and network.
 */
export async function leaveIfLast(docker: Docker, host = hostname(), alive: (pid: number) => boolean = pidAlive): Promise<boolean> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable) return false;
  const swarm = (await docker.swarmInspect()) as { Spec?: { Labels?: Record<string, string> } };
  if (!swarm.Spec?.Labels?.[SWARM_CREATED_LABEL]) return false;
  if ((await docker.listServices()).length > 0) return false;
  const networks = await docker.listNetworks({ filters: { label: [OWNER_LABEL], scope: ['swarm'] } });
  const inUse = networks.some((n) => {
    const [ownerHost, pid] = (n.Labels?.[OWNER_LABEL] ?? '').split(':');
    return ownerHost !== host || (pid !== undefined && alive(Number(pid)));
  });
  if (inUse) return false;
  await docker.swarmLeave({ force: true });
  if (swarm.Spec.Labels[GWBRIDGE_LABEL] === 'remove') {
    await docker
      .getNetwork(GWBRIDGE)
      .remove()
      .catch(() => undefined); // still in use by someone's container: it stays
  }
  return true;
}
