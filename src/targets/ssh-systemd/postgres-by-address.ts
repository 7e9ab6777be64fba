import type Docker from 'dockerode';
import type { PostgresServer } from '../../database/postgres-server.ts';

/**
 * The Postgres container as the test host's units reach it: by its address on the run's network rather than
 * its alias, because the engine's embedded DNS inside the systemd container was seen answering ENOTFOUND
 * for minutes on this machine while the address answered; an address has nothing to resolve.
 */
export async function postgresByAddress(server: PostgresServer, docker: Docker, network: string, exclude: string): Promise<PostgresServer> {
  const inspected = (await docker.getNetwork(network).inspect()) as { Containers?: Record<string, { Name?: string; IPv4Address?: string }> };
  const found = Object.values(inspected.Containers ?? {}).filter((c) => c.Name !== exclude && c.IPv4Address);
  const address = found.length === 1 ? found[0]!.IPv4Address!.split('/')[0] : undefined;
  if (!address) return server;
  return {
    ...server,
    description: server.description.replace(/'postgres:5432'/, `${address}:5432`),
    serviceDsn: (database) => {
      const url = new URL(server.serviceDsn(database));
      url.hostname = address;
      return url.toString();
    },
    stop: () => server.stop(),
    [Symbol.asyncDispose]: () => server.stop(),
  };
}
