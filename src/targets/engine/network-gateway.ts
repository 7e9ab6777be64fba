import type Docker from 'dockerode';

/**
 * The gateway address of a Docker network: this machine as the containers on it see it. A server the
 * harness binds there is reachable from those containers and the harness, not from other hosts.
 */
export async function networkGateway(docker: Docker, network: string, who: string): Promise<string> {
  const inspected = (await docker
    .getNetwork(network)
    .inspect()
    .catch(() => undefined)) as { IPAM?: { Config?: Array<{ Gateway?: string }> } } | undefined;
  const gateway = inspected?.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
  if (!gateway) throw new Error(`docker network ${network} has no gateway address for ${who} to reach the harness's servers at`);
  return gateway;
}
