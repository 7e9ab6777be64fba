import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { errorMessage } from '../../errors.ts';
import { pidAlive } from '../../util/pid-alive.ts';

/** Every container and network a run creates carries these; `docker ps -a --filter label=<RUN_ID_LABEL>` finds them. */
export const RUN_ID_LABEL = 'org.rollback-drill.run-id';
/** host:pid of the harness that owns the resource: a later run removes what a killed harness left. */
export const OWNER_LABEL = 'org.rollback-drill.owner';

export function runLabels(runId: string, pid = process.pid): Record<string, string> {
  return { [RUN_ID_LABEL]: runId, [OWNER_LABEL]: `${hostname()}:${pid}` };
}

export interface Removed {
  containers: string[];
  networks: string[];
  errors: string[];
}

/** Force-removes every container, then every network, carrying `label=value`. */
export async function removeLabelled(docker: Docker, label: string, value: string): Promise<Removed> {
  return removeWhere(docker, [`${label}=${value}`], () => true);
}

/**
 * Removes what earlier harness processes on this host left behind when they could not clean up
 * (SIGKILL, a power cut): resources whose owner pid is no longer alive.
 */
export async function removeOrphans(docker: Docker, host = hostname(), alive: (pid: number) => boolean = pidAlive): Promise<Removed> {
  return removeWhere(docker, [OWNER_LABEL], (labels) => {
    const [ownerHost, pid] = (labels?.[OWNER_LABEL] ?? '').split(':');
    return ownerHost === host && pid !== undefined && !alive(Number(pid));
  });
}

async function removeWhere(docker: Docker, filter: string[], select: (labels: Record<string, string> | undefined) => boolean): Promise<Removed> {
  const removed: Removed = { containers: [], networks: [], errors: [] };
  const containers = await docker.listContainers({ all: true, filters: { label: filter } });
  for (const info of containers.filter((c) => select(c.Labels))) {
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .then(() => removed.containers.push(info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12)))
      .catch((error: unknown) => notGone(error) && removed.errors.push(`container ${info.Id.slice(0, 12)}: ${errorMessage(error)}`));
  }
  const networks = await docker.listNetworks({ filters: { label: filter } });
  for (const info of networks.filter((n) => select(n.Labels))) {
    await docker
      .getNetwork(info.Id)
      .remove()
      .then(() => removed.networks.push(info.Name))
      .catch((error: unknown) => notGone(error) && removed.errors.push(`network ${info.Name}: ${errorMessage(error)}`));
  }
  return removed;
}

/** 404 (already gone) and 409 (removal already in progress) are not failures of a cleanup. */
function notGone(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status !== 404 && status !== 409;
}

const live = new Set<string>();
let hooked = false;

/**
 * Last line of defence, like the process target's: if the harness exits with containers still
 * running (a second Ctrl-C, process.exit), they are removed synchronously on 'exit' through the
 * docker CLI when there is one. Anything that still survives is removed by the next run's removeOrphans.
 */
export function removeOnExit(containerId: string): () => void {
  live.add(containerId);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      if (live.size > 0) spawnSync('docker', ['rm', '--force', '--volumes', ...live], { stdio: 'ignore', timeout: 15_000 });
    });
  }
  return () => live.delete(containerId);
}
