import pg from 'pg';
import { errorMessage } from '../errors.ts';

/** Connects and runs `select 1`; resolves to how long it took, or rejects naming the wait and the cause. */
export async function checkConnectivity(dsn: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: dsn, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`database not reachable within ${timeoutMs} ms: ${errorMessage(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return Date.now() - started;
}

export async function canConnect(dsn: string, timeoutMs: number): Promise<boolean> {
  return checkConnectivity(dsn, timeoutMs).then(
    () => true,
    () => false,
  );
}
