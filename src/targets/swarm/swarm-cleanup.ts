import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { errorMessage } from '../../errors.ts';
import { pidAlive } from '../../util/pid-alive.ts';
import { waitFor } from '../../util/wait-for.ts';
import { OWNER_LABEL, RUN_ID_LABEL } from '../engine/run-labels.ts';

export interface RemovedServices {
  services: string[];
  errors: string[];
}

/** Removes one run's services and waits until their tasks' containers are gone (so their network can go). */
export async function removeRunServices(docker: Docker, runId: string): Promise<RemovedServices> {
  return removeServicesWhere(docker, [`${RUN_ID_LABEL}=${runId}`], () => true);
}

/** Removes the services of harness processes of this host that died without cleaning up (their owner pid is gone). */
export async function removeOrphanServices(docker: Docker, host = hostname(), alive: (pid: number) => boolean = pidAlive): Promise<RemovedServices> {
  return removeServicesWhere(docker, [OWNER_LABEL], (labels) => {
    const [ownerHost, pid] = (labels?.[OWNER_LABEL] ?? '').split(':');
    return ownerHost === host && pid !== undefined && !alive(Number(pid));
  });
}

async function removeServicesWhere(docker: Docker, label: string[], select: (labels: Record<string, string> | undefined) => boolean): Promise<RemovedServices> {
  const removed: RemovedServices = { services: [], errors: [] };
  const services = (await docker.listServices({ filters: { label } })) as Array<{ ID: string; Spec?: { Name?: string; Labels?: Record<string, string> } }>;
  const chosen = services.filter((s) => select(s.Spec?.Labels));
  for (const service of chosen) {
    await docker
      .getService(service.ID)
      .remove()
      .then(() => removed.services.push(service.Spec?.Name ?? service.ID))
      .catch((error: unknown) => (error as { statusCode?: number }).statusCode !== 404 && removed.errors.push(`service ${service.Spec?.Name}: ${errorMessage(error)}`));
  }
  for (const service of chosen) {
    const filters = { label: [`com.docker.swarm.service.id=${service.ID}`] };
    await waitFor(async () => ((await docker.listContainers({ all: true, filters })).length === 0 ? true : undefined), {
      what: `the containers of service ${service.Spec?.Name} are still present after its removal`,
      timeoutMs: 60_000,
      intervalMs: 100,
    }).catch((error: unknown) => removed.errors.push(errorMessage(error)));
  }
  return removed;
}

/** Removes a network, retrying while the engine still detaches the endpoints of removed tasks. */
export async function removeNetwork(docker: Docker, name: string, timeoutMs = 30_000): Promise<string | undefined> {
  let last = '';
  return waitFor(
    async () => {
      try {
        await docker.getNetwork(name).remove();
        return 'removed';
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return 'gone';
        last = errorMessage(error);
        return undefined;
      }
    },
    { what: `network ${name} cannot be removed`, timeoutMs, intervalMs: 200, lastSeen: () => last },
  ).then(
    () => undefined,
    (error: unknown) => errorMessage(error),
  );
}
