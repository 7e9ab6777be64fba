import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralPostgres, type EphemeralPostgres } from './ephemeral-postgres.ts';
import { keysSince, renameSnapshot, sameKeysAsSnapshot, snapshotKeys } from './key-snapshot.ts';
import { rows, sql } from './sql.test-support.ts';

let server: EphemeralPostgres;
let dsn: string;
const source = 'select id as key, amount from src';

beforeAll(async () => {
  server = await startEphemeralPostgres();
  dsn = await server.createDatabase('key_snapshot');
});
afterAll(async () => {
  await server?.stop();
});

/** The source table as `ids` (null: a null key), and a snapshot of it taken before `change` ran. */
async function snapshotThenChange(ids: Array<string | null>, change: string[]): Promise<string> {
  const values = ids.map((id) => `(${id === null ? 'null' : `'${id}'`}, 1.5)`).join(', ');
  await sql(dsn, 'drop table if exists src', 'create table src (id text, amount numeric)', `insert into src values ${values}`);
  const { table } = await snapshotKeys(dsn, source, 'v2_run_keys');
  await sql(dsn, ...change);
  return table;
}

describe('sameKeysAsSnapshot: does the source still hold exactly the keys of the snapshot?', () => {
  const ids = ['a', 'b', 'c', 'd'];

  it('yes when nothing changed, or only values changed', async () => {
    expect(await sameKeysAsSnapshot(dsn, source, await snapshotThenChange(ids, []))).toBe(true);
    expect(await sameKeysAsSnapshot(dsn, source, await snapshotThenChange(ids, ['update src set amount = 2']))).toBe(true);
  });

  it('no when a key arrived, left, was replaced by another or now occurs twice', async () => {
    expect(await sameKeysAsSnapshot(dsn, source, await snapshotThenChange(ids, ["insert into src values ('e', 1)"]))).toBe(false);
    expect(await sameKeysAsSnapshot(dsn, source, await snapshotThenChange(ids, ["delete from src where id = 'b'"]))).toBe(false);
    expect(await sameKeysAsSnapshot(dsn, source, await snapshotThenChange(ids, ["update src set id = 'z' where id = 'b'"]))).toBe(false);
    expect(await sameKeysAsSnapshot(dsn, source, await snapshotThenChange(ids, ["insert into src values ('c', 1)"]))).toBe(false);
  });

  it('no when the source has a null key, even one the snapshot holds too (a query restricted to the snapshot drops it)', async () => {
    expect(await sameKeysAsSnapshot(dsn, source, await snapshotThenChange([...ids, null], []))).toBe(false);
  });

  it('a snapshot renamed for a later moment holds its keys, finds the arrivals since, and frees its old name', async () => {
    const earlier = await snapshotThenChange(ids, []);
    const table = await renameSnapshot(dsn, earlier, 'pre_rollback_keys');
    expect(table).toBe('_drill.pre_rollback_keys');
    expect((await rows<{ key: string }>(dsn, `select key from ${table} order by key`)).map((r) => r.key)).toEqual(ids);
    expect(await rows(dsn, "select to_regclass('_drill.v2_run_keys') is null as free")).toEqual([{ free: true }]);
    await sql(dsn, "insert into src values ('e', 1)");
    expect(await keysSince(dsn, source, table, 10)).toEqual(['e']);
    // A later snapshot under the old name leaves the renamed one as it was.
    await snapshotKeys(dsn, source, 'v2_run_keys');
    expect(await rows(dsn, `select count(*)::int as n from ${table}`)).toEqual([{ n: 4 }]);
  });

  it('names the snapshot, never the password, when it cannot read it', async () => {
    const error = await sameKeysAsSnapshot(dsn, source, '_drill.no_such_snapshot').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('_drill.no_such_snapshot');
    expect((error as Error).message).not.toContain(new URL(dsn).password);
    const since = await keysSince(dsn, source, '_drill.no_such_snapshot', 10).catch((e: unknown) => e as Error);
    expect(since).toBeInstanceOf(Error);
    expect((since as Error).message).toMatch(/^cannot list the source keys that are not in _drill\.no_such_snapshot: /);
    expect((since as Error).message).not.toContain(new URL(dsn).password);
  });
});
