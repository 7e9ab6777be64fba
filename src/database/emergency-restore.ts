import { execa } from 'execa';
import type pg from 'pg';
import { errorMessage } from '../errors.ts';
import { quoteIdent } from './identifiers.ts';
import { libpqConnection } from './libpq-connection.ts';
import { newClient } from './pg-session.ts';

const READ_ONLY_SQLSTATE = '25006';

/**
 * The runbook's "switch to read-only mode": every new session of the database defaults to
 * read-only transactions, and the sessions already open are ended so none keeps writing. Returns
 * how many sessions were ended. Proven by a write that must fail with SQLSTATE 25006.
 */
export async function makeReadOnly(dsn: string): Promise<{ sessionsEnded: number; proof: string }> {
  const database = databaseOf(dsn);
  const ended = await withClient(dsn, async (client) => {
    await client.query(`alter database ${quoteIdent(database)} set default_transaction_read_only = on`);
    const result = await client.query<{ ended: boolean }>('select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
      database,
    ]);
    return result.rows.filter((r) => r.ended).length;
  });
  const proof = await withClient(dsn, (client) =>
    client.query('create table drill_read_only_probe (x int)').then(
      () => 'a write succeeded',
      (error: unknown) => ((error as { code?: string }).code === READ_ONLY_SQLSTATE ? 'writes refused (SQLSTATE 25006)' : `unexpected error: ${errorMessage(error)}`),
    ),
  );
  if (proof !== 'writes refused (SQLSTATE 25006)') throw new Error(`database ${database} is not read-only after the switch: ${proof}`);
  return { sessionsEnded: ended, proof };
}

/**
 * The runbook's "restore database from backup", in place: the given schemas are dropped and the
 * backup restored into the same database, in one transaction, by a session that alone may write
 * (the database stays read-only for everyone else). Throws with pg_restore's message (redacted).
 */
export async function restoreInPlace(options: { dsn: string; pgRestore: string; path: string; schemas: readonly string[]; signal?: AbortSignal }): Promise<void> {
  const { dsn, pgRestore, path, schemas, signal } = options;
  await withClient(dsn, async (client) => {
    await client.query('set default_transaction_read_only = off');
    await client.query(`drop schema if exists ${schemas.map(quoteIdent).join(', ')} cascade`);
  });
  const conn = libpqConnection(dsn);
  // Serial, in one transaction (which --jobs cannot be): on the live database a restore that fails
  // halfway must leave nothing behind, and that is worth more here than the time --jobs saves.
  const result = await execa(pgRestore, ['--no-owner', '--exit-on-error', '--single-transaction', '--no-password', `--dbname=${conn.dbname}`, path], {
    env: { ...conn.env, PGOPTIONS: '-c default_transaction_read_only=off' },
    reject: false,
    stdin: 'ignore',
    ...(signal ? { cancelSignal: signal } : {}),
  });
  if (result.failed) throw new Error(conn.redactor.redact(`pg_restore of ${path} into the live database failed (exit ${result.exitCode}): ${result.stderr.trim()}`));
}

function databaseOf(dsn: string): string {
  return decodeURIComponent(new URL(dsn).pathname.slice(1));
}

async function withClient<T>(dsn: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = newClient({ connectionString: dsn, connectionTimeoutMillis: 10_000 });
  await client.connect().catch((error: unknown) => {
    throw new Error(`database ${databaseOf(dsn)} not reachable: ${errorMessage(error)}`);
  });
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
