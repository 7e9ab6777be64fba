import { createDatabase, dropDatabase } from './ephemeral-postgres.ts';
import { redactDsn } from '../redaction/redactor.ts';
import type { DatabaseConfig } from '../config/schema.ts';
import { HarnessError } from '../errors.ts';
import { startEphemeralPostgres } from './ephemeral-postgres.ts';
import type { PostgresServer } from './postgres-server.ts';

/**
 * DRILL_DATABASE_URL in the environment wins over the config: CI can point any run at a server.
 * An ephemeral server is the target's when it has its own (a container beside the pipeline containers).
 */
export async function openServer(
  config: DatabaseConfig,
  env: NodeJS.ProcessEnv = process.env,
  startEphemeral: () => Promise<PostgresServer> = startEphemeralPostgres,
): Promise<PostgresServer> {
  const override = env['DRILL_DATABASE_URL'];
  if (override) return existingServer(override);
  switch (config.kind) {
    case 'ephemeral':
      return startEphemeral();
    case 'dsn': {
      const dsn = config.dsn ?? (config.dsnEnv ? env[config.dsnEnv] : undefined);
      if (!dsn) {
        throw new HarnessError(config.dsnEnv ? `database.dsnEnv names ${config.dsnEnv}, which is not set` : 'database.kind is dsn but neither dsn nor dsnEnv is given');
      }
      return existingServer(dsn);
    }
    default: {
      const never: never = config;
      throw new HarnessError(`no database provider for kind '${(never as { kind: string }).kind}'`);
    }
  }
}

/** A server the user runs. The harness never stops it; it only creates and drops drill databases. */
function existingServer(dsn: string): PostgresServer {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new HarnessError('the database DSN is not a postgres:// URL');
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) throw new HarnessError(`the database DSN must start with postgres:// (got ${url.protocol}//)`);
  const stop = async () => undefined;
  return {
    dsn,
    password: decodeURIComponent(url.password),
    host: url.hostname,
    port: Number(url.port || 5432),
    description: `existing PostgreSQL at ${redactDsn(dsn)}`,
    serviceDsn: (database) => database,
    createDatabase: (name, options) => createDatabase(dsn, name, options),
    dropDatabase: (name) => dropDatabase(dsn, name),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
