import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralPostgres, type EphemeralPostgres } from '../ephemeral-postgres.ts';
import { sql } from '../sql.test-support.ts';
import { compareVersionOutputs } from './version-outputs.ts';

let server: EphemeralPostgres;
let databases = 0;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(async () => {
  await server?.stop();
});

/** A version's database after processing the same 1000 records: every 40th quarantined, the rest loaded clean; then its defects. */
async function versionDatabase(...defects: string[]): Promise<string> {
  const dsn = await server.createDatabase(`version_${++databases}`);
  await sql(
    dsn,
    `create table clean as select i::bigint as id, (i * 3.10)::numeric(12,2) as amount, '2024-03-01'::date + i % 30 as dated from generate_series(1, 1000) i where i % 40 <> 0`,
    `create table quarantine as select i::bigint as id, 'invalid' as reason from generate_series(1, 1000) i where i % 40 = 0`,
    ...defects,
  );
  return dsn;
}

const accounting = {
  sourceKeysQuery: 'select 1 as key', // not read by the version comparison
  processedKeysQuery: 'select id as key, amount, dated from clean',
  quarantinedKeysQuery: 'select id as key from quarantine',
  valueColumns: ['amount', 'dated'],
  buckets: 16,
};

describe('compareVersionOutputs (two databases)', () => {
  it('is equal when both versions processed and quarantined the same records with the same values', async () => {
    const [v2, v1] = await Promise.all([versionDatabase(), versionDatabase()]);
    const result = await compareVersionOutputs({ name: 'V2', target: v2 }, { name: 'V1', target: v1 }, accounting);
    expect(result.equal).toBe(true);
    expect(result.processed).toMatchObject({ equal: true, left: { name: 'V2', rows: 975 }, right: { name: 'V1', rows: 975 }, buckets: { mismatched: 0 } });
    expect(result.quarantined).toMatchObject({ equal: true, left: { rows: 25 }, right: { rows: 25 }, valueColumns: [] });
  });

  it('names a valid record that only one version quarantined, in both comparisons', async () => {
    const [v2, v1] = await Promise.all([versionDatabase(), versionDatabase(`insert into quarantine values (77, 'wrongly rejected')`, 'delete from clean where id = 77')]);
    const result = await compareVersionOutputs({ name: 'V2', target: v2 }, { name: 'V1', target: v1 }, accounting, { sampleSize: 3 });
    expect(result.equal).toBe(false);
    expect(result.processed).toMatchObject({ onlyLeft: { count: 1, sample: ['77'] }, onlyRight: { count: 0 }, valueMismatches: { count: 0 } });
    expect(result.quarantined).toMatchObject({ onlyLeft: { count: 0 }, onlyRight: { count: 1, sample: ['77'] } });
  });

  it("names a record processed with another value, showing both versions' values, and a record one version processed twice", async () => {
    const [v2, v1] = await Promise.all([versionDatabase(), versionDatabase('update clean set amount = 0.10 where id = 5', 'insert into clean select * from clean where id = 6')]);
    const result = await compareVersionOutputs({ name: 'V2', target: v2 }, { name: 'V1', target: v1 }, accounting);
    expect(result.processed.valueMismatches).toEqual({
      count: 1,
      sample: [
        {
          key: '5',
          left: [{ tag: 'processed', values: { amount: '15.50', dated: '2024-03-06' } }],
          right: [{ tag: 'processed', values: { amount: '0.10', dated: '2024-03-06' } }],
        },
      ],
    });
    expect(result.processed.repeated.right).toMatchObject({ count: 1, sample: [{ key: '6', occurrences: { processed: 2 } }] });
    expect(result.quarantined.equal).toBe(true);
  });
});
