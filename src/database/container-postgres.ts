import { randomBytes } from 'node:crypto';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { HarnessError, errorMessage } from '../errors.ts';
import { createDatabase, dropDatabase } from './ephemeral-postgres.ts';
import type { PostgresServer } from './postgres-server.ts';
import { newClient } from './pg-session.ts';

export interface ContainerPostgresOptions {
  image: string;
  /** The run's network: the pipeline containers reach the server there as `alias:5432`. */
  network: string;
  alias: string;
  labels: Record<string, string>;
  startupTimeoutMs?: number;
}

const CONTAINER_PORT = 5432;

/**
 * The drill's throwaway PostgreSQL as a container beside the pipeline containers. The harness
 * (backup, restore proof, fingerprints, reconciliation) reaches it on the port the engine
 * mapped on localhost; the services reach it by its alias on the run's network. Durability is
 * relaxed as for the local ephemeral server: it lives for one run.
 */
export async function startContainerPostgres(options: ContainerPostgresOptions): Promise<PostgresServer> {
  const user = 'drill';
  const password = randomBytes(18).toString('base64url');
  let started: StartedPostgreSqlContainer;
  try {
    started = await new PostgreSqlContainer(options.image)
      .withNetworkMode(options.network)
      .withNetworkAliases(options.alias)
      .withLabels(options.labels)
      .withUsername(user)
      .withPassword(password)
      .withDatabase('postgres')
      .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
      .withEnvironment({ PGDATA: '/var/lib/postgresql/data/pgdata' })
      .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'])
      .withStartupTimeout(options.startupTimeoutMs ?? 60_000)
      .start();
  } catch (error) {
    throw new HarnessError(`the Postgres container (${options.image}) did not become ready: ${errorMessage(error).replaceAll(password, '***')}`);
  }
  const port = started.getMappedPort(CONTAINER_PORT);
  const host = started.getHost();
  const dsn = `postgres://${user}:${password}@${host}:${port}/postgres`;
  const version = await serverVersion(dsn);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= started.stop({ remove: true, removeVolumes: true }).then(() => undefined));
  return {
    dsn,
    password,
    host,
    port,
    description: `PostgreSQL ${version} container (${options.image}) on ${host}:${port}, '${options.alias}:${CONTAINER_PORT}' on network ${options.network}`,
    serviceDsn: (database) => {
      const url = new URL(database);
      url.hostname = options.alias;
      url.port = String(CONTAINER_PORT);
      return url.toString();
    },
    createDatabase: (name, options) => createDatabase(dsn, name, options),
    dropDatabase: (name) => dropDatabase(dsn, name),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function serverVersion(dsn: string): Promise<string> {
  const client = newClient({ connectionString: dsn });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('show server_version');
    return result.rows[0]?.server_version.split(' ')[0] ?? 'unknown';
  } finally {
    await client.end();
  }
}
