import { errorMessage } from '../errors.ts';
import { quoteIdent } from './identifiers.ts';
import { harnessApplicationName, newClient, redactedFor } from './pg-session.ts';

/**
 * A database cut, as the dry-run's harness-side fault: the pipeline's sessions on one database are
 * ended and new connections to it are refused (ALLOW_CONNECTIONS false) until `restore()`. The
 * harness's own sessions are spared, but its new ones are refused too: the database is unavailable
 * to everyone who connects, as in a real outage. Needs the server's superuser (or the database owner).
 */
export async function cutConnections(adminDsn: string, database: string): Promise<{ ended: number; restore: () => Promise<void> }> {
  const client = newClient({ connectionString: adminDsn, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`alter database ${quoteIdent(database)} allow_connections false`);
    const { rows } = await client.query<{ ended: string }>(
      `select count(pg_terminate_backend(pid)) as ended from pg_stat_activity
        where datname = $1 and pid <> pg_backend_pid() and application_name is distinct from $2`,
      [database, harnessApplicationName],
    );
    let restored: Promise<void> | undefined;
    const restore = () => (restored ??= allowConnections(adminDsn, database));
    return { ended: Number(rows[0]!.ended), restore };
  } catch (error) {
    await allowConnections(adminDsn, database).catch(() => undefined);
    throw new Error(redactedFor(adminDsn, `cannot cut the connections to database ${database}: ${errorMessage(error)}`));
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function allowConnections(adminDsn: string, database: string): Promise<void> {
  const client = newClient({ connectionString: adminDsn, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query(`alter database ${quoteIdent(database)} allow_connections true`);
  } catch (error) {
    throw new Error(redactedFor(adminDsn, `cannot let connections into database ${database} again: ${errorMessage(error)}`));
  } finally {
    await client.end().catch(() => undefined);
  }
}
