import { errorMessage } from '../errors.ts';
import { redactedFor, withSession, type Queryable } from './pg-session.ts';
import { subquery } from './subquery.ts';

/** The harness's own schema in the drill database: left out of the backup (takeBackup) and of the fingerprints. */
export const harnessSchema = '_drill';

/**
 * The source keys as they are at one moment, kept in the drill database (schema `_drill`, never backed up
 * nor fingerprinted: it is not in verification.schemas): the keys V2 should have handled by the end of the
 * run the harness asked it for, and the keys there were before the rollback (those after are the cutover's
 * arrivals). Keys only, one column, as the source query returns them.
 */
export async function snapshotKeys(dsn: string, sourceKeysQuery: string, name: SnapshotName): Promise<{ table: string; keys: number }> {
  const table = `${harnessSchema}.${name}`;
  return onSession(dsn, `cannot snapshot the source keys into ${table}`, async (client) => {
    await client.query(`create schema if not exists ${harnessSchema}`);
    await client.query(`drop table if exists ${table}`);
    const { rowCount } = await client.query(`create unlogged table ${table} as select src.key from ${subquery(sourceKeysQuery, 'sourceKeysQuery')} as src`);
    await client.query(`analyze ${table}`);
    return { table, keys: rowCount ?? 0 };
  });
}

type SnapshotName = 'v2_run_keys' | 'pre_rollback_keys';

/**
 * An earlier snapshot under a new name, for a moment at which the source is known to hold exactly its
 * keys (sameKeysAsSnapshot): the same table renamed, nothing read again (copying 10M keys took about
 * 1.4 s, evaluating the source query again 2.7 s). Whoever refers to the earlier snapshot must take the
 * new name: the old one is free again, for a later snapshot of its own.
 */
export async function renameSnapshot(dsn: string, from: string, name: SnapshotName): Promise<string> {
  const table = `${harnessSchema}.${name}`;
  if (from === table) return table;
  return onSession(dsn, `cannot rename the key snapshot ${from} to ${table}`, async (client) => {
    await client.query(`drop table if exists ${table}`);
    await client.query(`alter table ${from} rename to ${name}`);
    return table;
  });
}

/** `fn` on a session of its own (withSession), its failure named by `what`, without the DSN's password. */
function onSession<T>(dsn: string, what: string, fn: (client: Queryable) => Promise<T>, settings: Readonly<Record<string, string>> = {}): Promise<T> {
  return withSession(dsn, fn, settings).catch((error: unknown) => {
    throw new Error(redactedFor(dsn, `${what}: ${errorMessage(error)}`));
  });
}

/**
 * Whether the source query returns exactly the keys of a snapshot, each as many times, and no null
 * key (a query restricted to the snapshot drops those): the row counts, the keyed-row counts and the
 * exact sums of a 64-bit hash of each key's text are equal.
 * A difference between the two escapes it only if the hashes of what differs sum to zero
 * (probability 2^-64, as for the zero-loss proof itself). Two scans, on two connections at once:
 * at 10M source keys about 0.6 s, where restricting a query to the snapshot's keys (restrictTo, a
 * semi-join of 10M keys) costs the accounting about 3.5 s more than the query alone.
 */
export async function sameKeysAsSnapshot(dsn: string, sourceKeysQuery: string, table: string): Promise<boolean> {
  const summary = `select count(*)::text as rows, count(src.key)::text as keyed, coalesce(sum(hashtextextended((src.key)::text, 1)), 0)::text as s`;
  const summarise = (from: string) =>
    onSession(
      dsn,
      `cannot compare the source keys with the snapshot ${table}`,
      async (client) => (await client.query<{ rows: string; keyed: string; s: string }>(`${summary} from ${from} as src`)).rows[0]!,
      { jit: 'off' },
    );
  const [source, snapshot] = await Promise.all([summarise(subquery(sourceKeysQuery, 'sourceKeysQuery')), summarise(table)]);
  return source.rows === source.keyed && source.rows === snapshot.rows && source.keyed === snapshot.keyed && source.s === snapshot.s;
}

/** A keys query restricted to the keys of a snapshot (`in`), or to those not in it (`not in`): still one column `key` plus the query's own. */
export function restrictTo(query: string, table: string, how: 'in' | 'not in'): string {
  return `select q.* from ${subquery(query, 'the keys query')} as q where ${how === 'in' ? '' : 'not '}exists (select 1 from ${table} as s where s.key = q.key)`;
}

/** The keys of the source that are not in a snapshot: the records that arrived since (a bounded sample). */
export async function keysSince(dsn: string, sourceKeysQuery: string, table: string, limit: number): Promise<string[]> {
  return onSession(dsn, `cannot list the source keys that are not in ${table}`, async (client) => {
    const { rows } = await client.query<{ key: string }>(`select q.key::text as key from (${restrictTo(sourceKeysQuery, table, 'not in')}) as q limit ${Math.trunc(limit)}`);
    return rows.map((r) => r.key);
  });
}
