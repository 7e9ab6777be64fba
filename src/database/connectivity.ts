import { errorMessage } from '../errors.ts';
import { newClient } from './pg-session.ts';

/** Connects and runs `select 1` (or `sql`); resolves to how long it took, or rejects naming the wait and the cause. */
export async function checkConnectivity(dsn: string, timeoutMs: number, sql = 'select 1'): Promise<number> {
  const started = Date.now();
  const client = newClient({ connectionString: dsn, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    throw new Error(`database not reachable within ${timeoutMs} ms: ${errorMessage(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return Date.now() - started;
}

/** Whether the database answers `sql` (default `select 1`) within timeoutMs: a probe, never an exception. */
export async function canConnect(dsn: string, timeoutMs: number, sql?: string): Promise<boolean> {
  return checkConnectivity(dsn, timeoutMs, sql).then(
    () => true,
    () => false,
  );
}
