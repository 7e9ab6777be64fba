import pg from 'pg';
import { Redactor } from '../redaction/redactor.ts';
import { errorMessage } from '../errors.ts';

/** Anything that can run a query: a pg.Client, a pool client, a pool. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * A row's text form depends on session settings (a timestamptz prints in the session's time
 * zone), so two sessions with different settings would fingerprint identical data differently.
 * Every session the harness opens for fingerprints pins them.
 */
export const stableOutputSettings: Readonly<Record<string, string>> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO,YMD',
  IntervalStyle: 'postgres',
  extra_float_digits: '1',
  bytea_output: 'hex',
  lc_monetary: 'C',
};

/**
 * Runs `fn` on the given client as is, or on a fresh connection to the DSN with the stable output
 * settings (plus `settings`), closed afterwards. Connection errors name the DSN without its password.
 */
export async function withSession<T>(target: string | Queryable, fn: (client: Queryable) => Promise<T>, settings: Readonly<Record<string, string>> = {}): Promise<T> {
  if (typeof target !== 'string') return fn(target);
  const client = newClient({ connectionString: target });
  try {
    await client.connect();
    // set_config after connecting rather than startup options: a DSN's own ?options= would
    // silently replace those.
    const pairs = Object.entries({ ...stableOutputSettings, ...settings });
    await client.query(`select ${pairs.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, false)`).join(', ')}`, pairs.flat());
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(redactedFor(target, `cannot open a session on ${target}: ${errorMessage(error)}`));
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The harness's own sessions say who they are, so a check of the pipeline's sessions never counts them. */
export const harnessApplicationName = 'rollback-drill';

/**
 * A pg client for one short piece of work. An error of an idle connection (the server killed
 * between two queries) is emitted as an 'error' event, which would crash the harness mid-drill if
 * nobody listened; every operation already reports its own failure through its promise.
 */
export function newClient(config: pg.ClientConfig): pg.Client {
  const client = new pg.Client({ application_name: harnessApplicationName, ...config });
  client.on('error', () => undefined);
  return client;
}

/** `text` with the DSN's password (and any URL password) masked. */
export function redactedFor(dsn: string, text: string): string {
  const redactor = new Redactor();
  redactor.addDsn(dsn);
  return redactor.redact(text);
}
