import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralPostgres, type EphemeralPostgres } from './ephemeral-postgres.ts';
import { databaseFingerprints, schemaFingerprint, tableFingerprint } from './fingerprint.ts';
import { sql } from './sql.test-support.ts';

let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const schema = `
  create schema kpi;
  create table public.loans (id bigint primary key, segment text not null, principal numeric(12,2), rate double precision,
                             disbursed_at timestamptz, note text);
  create table kpi.kpi_metrics (as_of date not null, kpi text not null, segment text not null, value numeric, primary key (as_of, kpi, segment));`;

const loans = (order: 'asc' | 'desc') => `
  insert into public.loans
  select i, 'seg-' || (i % 7), round((i * 37.5)::numeric % 100000, 2), (i % 13) / 100.0,
         timestamptz '2024-01-01 00:00:00+00' + i * interval '37 minutes', case when i % 11 = 0 then null else 'n' || i end
    from generate_series(1, 3000) as i order by i ${order}`;

const metrics = (order: 'asc' | 'desc') => `
  insert into kpi.kpi_metrics
  select date '2024-01-01' + d, k, 's' || s, round(((d * 31 + s * 7) % 1000)::numeric / 7, 6)
    from generate_series(0, 29) d, unnest(array['par30', 'collections', 'disbursements']) k, generate_series(1, 4) s
   order by d ${order}, k ${order}, s ${order}`;

describe('table fingerprints', () => {
  it('are equal for the same rows in any physical order and any session time zone, and catch one changed value', async () => {
    const a = await server.createDatabase('fp_order_a');
    const b = await server.createDatabase('fp_order_b');
    await sql(a, schema, loans('asc'), metrics('asc'));
    // B gets the rows backwards, then rewrites half of them in place so the heap order differs
    // again, and prints timestamps in another zone by default.
    await sql(
      b,
      schema,
      loans('desc'),
      metrics('desc'),
      'update public.loans set note = note where id % 2 = 0',
      'vacuum public.loans',
      `alter database fp_order_b set timezone = 'Asia/Tokyo'`,
    );

    const [fa, fb] = await Promise.all([databaseFingerprints(a, { schemas: ['public', 'kpi'] }), databaseFingerprints(b, { schemas: ['public', 'kpi'] })]);
    expect(Object.keys(fa)).toEqual(['kpi.kpi_metrics', 'public.loans']);
    expect(fa['public.loans']).toMatchObject({ table: 'public.loans', rows: 3000, hash: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(fa['kpi.kpi_metrics']?.rows).toBe(360);
    expect(fb).toEqual(fa);
    // Hashed typed, a timestamptz is the instant, not its text: a session left in Tokyo time agrees.
    const tokyo = new pg.Client({ connectionString: b });
    await tokyo.connect();
    const unpinned = await tableFingerprint(tokyo, 'public.loans').finally(() => tokyo.end());
    expect(unpinned).toEqual(fa['public.loans']);

    await sql(b, `update public.loans set principal = principal + 0.01 where id = 1234`);
    const changed = await tableFingerprint(b, 'public.loans');
    expect(changed.rows).toBe(3000);
    expect(changed.hash).not.toBe(fa['public.loans']?.hash);
    expect(await tableFingerprint(b, 'kpi.kpi_metrics')).toEqual(fa['kpi.kpi_metrics']);
  });

  it('catch values swapped between rows (a sum of linear row hashes, one per column in effect, would not)', async () => {
    // These two amounts swapped leave both sums of hash_record_extended (seeds 1 and 2) exactly as they were:
    // the fingerprint before the mix missed about half of all such swaps.
    const dsn = await server.createDatabase('fp_swap');
    await sql(dsn, 'create table public.loans (id int, principal numeric(14,2))', 'insert into public.loans values (1, 100.00), (2, 201.00), (3, 75.50)');
    const before = await tableFingerprint(dsn, 'public.loans');
    await sql(dsn, 'update public.loans set principal = case id when 1 then 201.00 when 2 then 100.00 else principal end');
    const swapped = await tableFingerprint(dsn, 'public.loans');
    expect(swapped.rows).toBe(3);
    expect(swapped.hash).not.toBe(before.hash);
    // Swapped back, the same rows again: the same hash.
    await sql(dsn, 'update public.loans set principal = case id when 1 then 100.00 when 2 then 201.00 else principal end');
    expect(await tableFingerprint(dsn, 'public.loans')).toEqual(before);
  });

  it('count a duplicated row instead of letting it cancel out, and honour a fixed where clause', async () => {
    const dsn = await server.createDatabase('fp_dupes');
    await sql(dsn, 'create table public.events (k int, v text)', `insert into public.events values (1, 'x'), (2, 'y')`);
    const once = await tableFingerprint(dsn, 'public.events');
    await sql(dsn, `insert into public.events values (1, 'x'), (1, 'x')`);
    const thrice = await tableFingerprint(dsn, 'public.events');
    expect(thrice.rows).toBe(4);
    expect(thrice.hash).not.toBe(once.hash);
    expect(await tableFingerprint(dsn, 'public.events', { where: 'k = 2' })).toMatchObject({ rows: 1 });
    // The same two rows, but the extra copies filtered out, hash as the original table did.
    await sql(dsn, 'create table public.events2 as select distinct * from public.events');
    expect((await tableFingerprint(dsn, 'public.events2')).hash).toBe(once.hash);
  });

  it('fall back to the text of each row for a column type with no hash function (json), inside a snapshot too', async () => {
    const a = await server.createDatabase('fp_json_a');
    const b = await server.createDatabase('fp_json_b');
    const table = 'create table public.events (k int, at timestamptz, payload json)';
    const rows = (order: 'asc' | 'desc') =>
      `insert into public.events select i, timestamptz '2024-01-01Z' + i * interval '1 hour', json_build_object('n', i) from generate_series(1, 500) i order by i ${order}`;
    await sql(a, table, rows('asc'), 'create table public.plain (k int)', 'insert into public.plain values (1), (2)');
    await sql(b, table, rows('desc'), 'create table public.plain (k int)', 'insert into public.plain values (2), (1)', `alter database fp_json_b set timezone = 'Asia/Tokyo'`);
    // The fallback's failed typed attempt must not abort the snapshot: the table after it is fingerprinted too.
    const [fa, fb] = await Promise.all([databaseFingerprints(a, { schemas: ['public'] }), databaseFingerprints(b, { schemas: ['public'] })]);
    expect(Object.keys(fa)).toEqual(['public.events', 'public.plain']);
    expect(fa['public.events']?.rows).toBe(500);
    expect(fb).toEqual(fa);
    // The text form needs the pinned session settings: a session left in Tokyo time prints the timestamps differently.
    const tokyo = new pg.Client({ connectionString: b });
    await tokyo.connect();
    const unpinned = await tableFingerprint(tokyo, 'public.events').finally(() => tokyo.end());
    expect(unpinned.rows).toBe(500);
    expect(unpinned.hash).not.toBe(fa['public.events']?.hash);
    await sql(b, `update public.events set payload = '{"n": 0}' where k = 7`);
    expect((await tableFingerprint(b, 'public.events')).hash).not.toBe(fa['public.events']?.hash);
  });

  it('work on a caller-owned client and on awkward table names', async () => {
    const dsn = await server.createDatabase('fp_names');
    await sql(dsn, 'create schema "My Schema"', 'create table "My Schema"."Odd""Name" (t int, drill int)', 'insert into "My Schema"."Odd""Name" values (1, 2)');
    const client = new pg.Client({ connectionString: dsn });
    await client.connect();
    try {
      const viaClient = await tableFingerprint(client, '"My Schema"."Odd""Name"');
      expect(viaClient).toMatchObject({ table: '"My Schema"."Odd""Name"', rows: 1 });
      expect(await databaseFingerprints(dsn, { schemas: ['My Schema'] })).toEqual({ '"My Schema"."Odd""Name"': viaClient });
    } finally {
      await client.end();
    }
  });

  it('name the table and never the password when they fail', async () => {
    const dsn = await server.createDatabase('fp_errors');
    await expect(tableFingerprint(dsn, 'public.missing')).rejects.toThrow(/^fingerprint of public\.missing failed: relation "public\.missing" does not exist$/);
    const wrongDb = dsn.replace('/fp_errors', '/no_such_db');
    const error = await databaseFingerprints(wrongDb, { schemas: ['public'] }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot open a session on postgres:\/\/drill:\*\*\*@127\.0\.0\.1:\d+\/no_such_db: database "no_such_db" does not exist/);
    expect((error as Error).message).not.toContain(server.password);
    expect((error as Error).message).not.toContain(encodeURIComponent(server.password));
  });
});

describe('schemaFingerprint', () => {
  it('is equal for equal schemas and changes when a constraint or a column is added', async () => {
    const a = await server.createDatabase('sf_a');
    const b = await server.createDatabase('sf_b');
    await sql(a, schema, loans('asc'));
    await sql(b, schema, 'create index loans_segment on public.loans (segment)');
    await sql(a, 'create index loans_segment on public.loans (segment)');

    const base = await schemaFingerprint(a, { schemas: ['public', 'kpi'] });
    expect(base.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await schemaFingerprint(b, { schemas: ['public', 'kpi'] })).toEqual(base);
    expect(base.description).toContain('table public.loans');
    expect(base.description).toContain('  column segment text not null');
    expect(base.description).toContain('  constraint kpi_metrics_pkey: PRIMARY KEY (as_of, kpi, segment)');
    expect(base.description).toContain('  index loans_segment: CREATE INDEX loans_segment ON public.loans USING btree (segment)');

    await sql(a, 'alter table public.loans add constraint principal_positive check (principal >= 0)');
    const withCheck = await schemaFingerprint(a, { schemas: ['public', 'kpi'] });
    expect(withCheck.hash).not.toBe(base.hash);
    expect(withCheck.description).toContain('  constraint principal_positive: CHECK (principal >= 0::numeric)');

    await sql(a, `alter table kpi.kpi_metrics add column source text default 'v2'`);
    const withColumn = await schemaFingerprint(a, { schemas: ['public', 'kpi'] });
    expect(withColumn.hash).not.toBe(withCheck.hash);
    expect(withColumn.description).toContain(`  column source text default 'v2'::text`);

    // Only the shape counts: more rows change nothing.
    await sql(b, loans('desc'));
    expect((await schemaFingerprint(b, { schemas: ['public', 'kpi'] })).hash).toBe(base.hash);
  });
});
