import { HarnessError } from '../errors.ts';
import { redactDsn } from '../redaction/redactor.ts';
import { createDatabase, dropDatabase } from './ephemeral-postgres.ts';
import type { PostgresServer } from './postgres-server.ts';

/** A server the user runs. The harness never stops it; it only creates and drops drill databases. */
export function existingServer(dsn: string): PostgresServer {
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
