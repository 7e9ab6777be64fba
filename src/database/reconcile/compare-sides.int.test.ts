import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../errors.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from '../ephemeral-postgres.ts';
import { sql } from '../sql.test-support.ts';
import { compareSides, type ComparedSide, type SideComparison } from './compare-sides.ts';

let server: EphemeralPostgres;
let dsn: string;
beforeAll(async () => {
  server = await startEphemeralPostgres();
  dsn = await server.createDatabase('compare_sides');
  // Left 1..2000 with values; right: the same with one of each defect, and keys as text (the key family is then text).
  await sql(
    dsn,
    `create table l as select i::bigint as id, (i * 0.5)::numeric(10,2) as amount, ('2024-01-01'::date + i % 100) as dated from generate_series(1, 2000) i`,
    `create table r as select id::text as id, amount, dated from l where id <> 17`,
    `insert into r values ('9999', 1, '2024-01-01')`,
    `insert into r select * from r where id = '18'`,
    `update r set amount = amount + 1 where id = '19'`,
    `insert into l select * from l where id = 20`,
    // Keys whose byte order and JavaScript's string order disagree (U+FF5E vs an astral character).
    `insert into l values (null, 1, '2024-01-01')`,
    `create table lt as select 'k' || id as id, amount, dated from l where id is not null`,
    `create table rt as select * from lt`,
    `insert into lt values ('\u{1F600}', 1, '2024-01-01'), ('\uFF5E', 1, '2024-01-01'), ('é', 1, '2024-01-01')`,
  );
});
afterAll(async () => {
  await server?.stop();
});

const left = (target: string | pg.Client, table = 'l'): ComparedSide => ({ name: 'left', target, queries: [{ tag: 'l', sql: `select id as key, amount, dated from ${table}` }] });
const right = (target: string | pg.Client, table = 'r'): ComparedSide => ({ name: 'right', target, queries: [{ tag: 'r', sql: `select id as key, amount, dated from ${table}` }] });
/** Another DSN of the same database: the comparison then takes the two-database path (COPY streams merged in Node). */
const elsewhere = () => `${dsn}?application_name=other_side`;
const withoutTimings = ({ rowsFetched, durationMs, ...rest }: SideComparison) => (void [rowsFetched, durationMs], rest);

describe('compareSides', () => {
  it('finds the same differences, counts and samples on one database (one statement) as across two (streams merged in Node)', async () => {
    const options = { valueColumns: ['amount', 'dated'], buckets: 8, sampleSize: 5 };
    const one = await compareSides(left(dsn), right(dsn), options);
    const two = await compareSides(left(dsn), right(elsewhere()), options);
    expect(withoutTimings(two)).toEqual(withoutTimings(one));
    expect(one).toMatchObject({
      equal: false,
      left: { rows: 2002, nullKeys: 1 },
      onlyLeft: { count: 1, sample: ['17'] },
      onlyRight: { count: 1, sample: ['9999'] },
      valueMismatches: { count: 1, sample: [{ key: '19', left: [{ tag: 'l', values: { amount: '9.50' } }], right: [{ tag: 'r', values: { amount: '10.50' } }] }] },
    });
    expect(one.repeated.left).toMatchObject({ count: 1, sample: [{ key: '20', occurrences: { l: 2 } }], withinTag: { l: { count: 1 } }, acrossTags: { count: 0 } });
    expect(one.repeated.right).toMatchObject({ count: 1, sample: [{ key: '18', occurrences: { r: 2 } }] });
  });

  it("orders text samples by bytes on both paths, whatever JavaScript's own string order says", async () => {
    const options = { valueColumns: ['amount'], buckets: 1 };
    const one = await compareSides(left(dsn, 'lt'), right(dsn, 'rt'), options);
    const two = await compareSides(left(dsn, 'lt'), right(elsewhere(), 'rt'), options);
    expect(one.onlyLeft.sample).toEqual(['é', '\uFF5E', '\u{1F600}']);
    expect(two.onlyLeft).toEqual(one.onlyLeft);
  });

  it('is equal on identical sides after one summary of each, and runs on given clients one statement at a time', async () => {
    const a = new pg.Client({ connectionString: dsn });
    const b = new pg.Client({ connectionString: dsn });
    await Promise.all([a.connect(), b.connect()]);
    try {
      const result = await compareSides(left(a, 'lt'), right(b, 'lt'), { valueColumns: ['amount', 'dated'] });
      expect(result).toMatchObject({ equal: true, buckets: { mismatched: 0 }, onlyLeft: { count: 0 }, valueMismatches: { count: 0 } });
      // Per side: its query described (+ its columns' types) and summarised whole.
      expect(result.rowsFetched).toBeLessThanOrEqual(8);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('treats quarantined keys the same whether their hashes are fetched or joined in the database', async () => {
    const accounted: ComparedSide = {
      name: 'accounted',
      target: dsn,
      queries: [
        { tag: 'processed', sql: `select id as key, amount, dated from r where id::bigint % 7 <> 0` },
        { tag: 'quarantined', sql: `select id as key from r where id::bigint % 7 = 0`, values: false },
      ],
    };
    const options = { valueColumns: ['amount', 'dated'], buckets: 8 };
    const fetched = await compareSides(left(dsn), accounted, options);
    const joined = await compareSides(left(dsn), accounted, { ...options, keyOnlyHashesMax: 0 });
    expect(withoutTimings(joined)).toEqual(withoutTimings(fetched));
    // 19's wrong amount is compared (processed); 14 and 21, quarantined, are compared by key alone.
    expect(fetched).toMatchObject({ onlyLeft: { sample: ['17'] }, onlyRight: { sample: ['9999'] }, valueMismatches: { count: 1 } });
  });

  it('refuses what it cannot compare, as configuration errors', async () => {
    const keyOnly: ComparedSide = {
      name: 'accounted',
      target: elsewhere(),
      queries: [
        { tag: 'q', sql: 'select id as key from r', values: false },
        { tag: 'p', sql: 'select id as key, amount from r' },
      ],
    };
    await expect(compareSides(left(dsn), keyOnly, { valueColumns: ['amount'] })).rejects.toThrow(HarnessError);
    await expect(compareSides(left(dsn), keyOnly, { valueColumns: ['amount'] })).rejects.toThrow('needs both sides on one database');
    const twice: ComparedSide = {
      name: 'right',
      target: dsn,
      queries: [
        { tag: 'x', sql: 'select 1 as key' },
        { tag: 'x', sql: 'select 2 as key' },
      ],
    };
    await expect(compareSides(left(dsn), twice)).rejects.toThrow('right has two queries tagged the same: x, x');
    await expect(compareSides(left(dsn), right(dsn), { valueColumns: ['key'] })).rejects.toThrow('valueColumns cannot include key');
  });
});
