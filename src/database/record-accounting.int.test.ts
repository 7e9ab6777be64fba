import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerState } from '../../fixtures/integration/ledger-checks.ts';
import { generate, killAll, startPipeline } from '../../fixtures/integration/pipeline-process.ts';
import { HarnessError } from '../errors.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from './ephemeral-postgres.ts';
import { reconcileRecords, type AccountingConfig } from './record-accounting.ts';
import { referenceAccounting, seededReferenceDatabase, type ReferenceDatabase } from './reference-pipeline.test-support.ts';
import { countingQueryable } from './row-counter.ts';
import { sql, rows } from './sql.test-support.ts';

let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(async () => {
  await server?.stop();
});

/** Every count of a complete accounting at zero; a test overrides the ones its defect must move. */
const nothingWrong = {
  missingKeys: 0,
  missingSample: [],
  unexpectedKeys: 0,
  unexpectedSample: [],
  doublyAccounted: 0,
  doublySample: [],
  processedTwice: 0,
  processedTwiceSample: [],
  quarantinedTwice: 0,
  quarantinedTwiceSample: [],
  valueMismatches: 0,
  valueMismatchSample: [],
  nullSourceKeys: 0,
  nullAccountedKeys: 0,
  duplicateSourceKeys: 0,
  duplicateSourceSample: [],
};

describe('record accounting on hand-made tables: each defect caught and named', () => {
  let dsn: string;
  let cases = 0;
  beforeAll(async () => {
    dsn = await server.createDatabase('accounting_hand');
  });

  /**
   * A schema of its own: source 1..1000 (bigint key, numeric(12,2) amount, date), 20 of them
   * quarantined (every 50th, keys stored as text), the other 980 processed with the same values;
   * then the test's defect.
   */
  async function accounting(...defect: string[]): Promise<AccountingConfig & { valueColumns: string[] }> {
    const schema = `case_${++cases}`;
    await sql(
      dsn,
      `create schema ${schema}`,
      `set search_path = ${schema}`,
      `create table src as select i::bigint as id, (i * 1.25)::numeric(12,2) as amount, date '2024-01-01' + i % 365 as dated from generate_series(1, 1000) i`,
      `create table done as select * from src where id % 50 <> 0`,
      `create table bad as select id::text as id from src where id % 50 = 0`,
      ...defect.map((s) => s.replaceAll('$schema', schema)),
    );
    return {
      sourceKeysQuery: `select id as key, amount, dated from ${schema}.src`,
      processedKeysQuery: `select id as key, amount, dated from ${schema}.done`,
      quarantinedKeysQuery: `select id as key from ${schema}.bad`,
      valueColumns: ['amount', 'dated'],
      buckets: 16,
    };
  }

  it('is complete when every source record is processed once with its values or quarantined once, after one summary of each query', async () => {
    const result = await reconcileRecords(dsn, await accounting(), { sampleSize: 3 });
    expect(result).toMatchObject({
      ...nothingWrong,
      complete: true,
      sourceKeys: 1000,
      processedKeys: 980,
      quarantinedKeys: 20,
      accountedKeys: 1000,
      valueColumns: ['amount', 'dated'],
      buckets: { total: 16, mismatched: 0 },
    });
    // Describing 3 queries (a few pg_type rows), 3 whole summaries and 1 row of quarantined key hashes: no bucket, no key.
    expect(result.rowsFetched).toBeLessThanOrEqual(12);
  });

  it('finds one missing key', async () => {
    const result = await reconcileRecords(dsn, await accounting('delete from $schema.done where id = 7'));
    expect(result).toMatchObject({ ...nothingWrong, complete: false, missingKeys: 1, missingSample: ['7'], accountedKeys: 999 });
    expect(result.buckets.mismatched).toBe(1);
  });

  it('finds one unexpected key', async () => {
    const result = await reconcileRecords(dsn, await accounting(`insert into $schema.done values (5000, 1, '2024-01-01')`));
    expect(result).toMatchObject({ ...nothingWrong, complete: false, unexpectedKeys: 1, unexpectedSample: ['5000'] });
  });

  it('finds a key processed twice, which the set-based diff (bool_or) used to see as processed once', async () => {
    const result = await reconcileRecords(dsn, await accounting('insert into $schema.done select * from $schema.done where id = 8'));
    expect(result).toMatchObject({
      ...nothingWrong,
      complete: false,
      processedTwice: 1,
      processedTwiceSample: [{ key: '8', occurrences: { processed: 2 } }],
      processedKeys: 981,
      accountedKeys: 1001,
    });
  });

  it('finds a key both processed and quarantined', async () => {
    const result = await reconcileRecords(dsn, await accounting(`insert into $schema.bad values ('9')`));
    expect(result).toMatchObject({ ...nothingWrong, complete: false, doublyAccounted: 1, doublySample: ['9'] });
  });

  it("finds one wrong numeric value, and shows both sides' values for it", async () => {
    const result = await reconcileRecords(dsn, await accounting('update $schema.done set amount = amount + 0.01 where id = 10'));
    expect(result).toMatchObject({
      ...nothingWrong,
      complete: false,
      valueMismatches: 1,
      valueMismatchSample: [
        {
          key: '10',
          source: [{ tag: 'source', values: { amount: '12.50', dated: '2024-01-11' } }],
          processed: [{ tag: 'processed', values: { amount: '12.51', dated: '2024-01-11' } }],
        },
      ],
    });
  });

  it('finds a wrong date, and a value that became null', async () => {
    const result = await reconcileRecords(dsn, await accounting(`update $schema.done set dated = dated + 1 where id = 11`, `update $schema.done set amount = null where id = 12`));
    expect(result.valueMismatches).toBe(2);
    expect(result.valueMismatchSample.map((s) => [s.key, s.processed[0]!.values])).toEqual([
      ['11', { amount: '13.75', dated: '2024-01-13' }],
      ['12', { amount: null, dated: '2024-01-13' }],
    ]);
  });

  it('sees no difference in a value that only differs in representation: 12.50 as numeric(12,2) and 12.5 as numeric', async () => {
    const config = await accounting('alter table $schema.done alter column amount type numeric', 'update $schema.done set amount = trim_scale(amount)');
    const [stored] = await rows<{ amount: string }>(dsn, `select amount::text from ${config.processedKeysQuery.split(' from ')[1]} where id = 10`);
    expect(stored!.amount).toBe('12.5');
    expect(await reconcileRecords(dsn, config)).toMatchObject({ ...nothingWrong, complete: true });
  });

  it('counts a null source key, never drops it', async () => {
    const result = await reconcileRecords(dsn, await accounting(`insert into $schema.src values (null, 1, '2024-01-01')`));
    expect(result).toMatchObject({ ...nothingWrong, complete: false, nullSourceKeys: 1, sourceKeys: 1000 });
  });

  it('counts every difference exactly but returns at most sampleSize keys of each', async () => {
    const result = await reconcileRecords(dsn, await accounting('delete from $schema.done where id <= 120'), { sampleSize: 4 });
    expect(result.missingKeys).toBe(120 - 2);
    // Keys are compared as text here (bigint in src and done, text in bad): byte order; 100 is quarantined.
    expect(result.missingSample).toEqual(['1', '10', '101', '102']);
    expect(result.buckets.mismatched).toBe(16);
    // One row of counts and samples for the whole key-level diff: bounded by the buckets, not by the data.
    expect(result.rowsFetched).toBeLessThanOrEqual(12 + 3 * 16 + 1);
  });

  it('cannot see a source key duplicated and processed as often (the summaries agree) unless multiplicity is checked', async () => {
    const config = await accounting('insert into $schema.src select * from $schema.src where id = 13', 'insert into $schema.done select * from $schema.done where id = 13');
    expect(await reconcileRecords(dsn, config)).toMatchObject({ ...nothingWrong, complete: true, sourceKeys: 1001 });
    const checked = await reconcileRecords(dsn, { ...config, multiplicity: 'checked' });
    expect(checked).toMatchObject({
      ...nothingWrong,
      complete: false,
      multiplicity: 'checked',
      duplicateSourceKeys: 1,
      duplicateSourceSample: [{ key: '13', occurrences: { source: 2 } }],
      processedTwice: 1,
      processedTwiceSample: [{ key: '13', occurrences: { processed: 2 } }],
    });
  });

  it('finds a duplicated source key accounted once, whatever the multiplicity setting', async () => {
    const result = await reconcileRecords(dsn, await accounting('insert into $schema.src select * from $schema.src where id = 14'));
    expect(result).toMatchObject({ ...nothingWrong, complete: false, duplicateSourceKeys: 1, duplicateSourceSample: [{ key: '14', occurrences: { source: 2 } }] });
  });

  it('refuses value columns of different types, naming the column, both queries and both types', async () => {
    const config = await accounting();
    const error = await reconcileRecords(dsn, { ...config, processedKeysQuery: config.processedKeysQuery.replace('amount,', 'amount::float8 as amount,') }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect(String(error)).toContain('value column amount is numeric in sourceKeysQuery but double precision in processedKeysQuery');
  });

  it('names the query that lacks a column, and never prints the DSN password', async () => {
    const config = await accounting();
    await expect(reconcileRecords(dsn, { ...config, quarantinedKeysQuery: config.quarantinedKeysQuery.replace('id as key', 'id') })).rejects.toThrow(
      'quarantinedKeysQuery must return a column named key (it returns: id)',
    );
    await expect(reconcileRecords(dsn, { ...config, processedKeysQuery: config.processedKeysQuery.replace(', dated', '') })).rejects.toThrow(
      'processedKeysQuery must return a column named dated (it returns: key, amount)',
    );
    await expect(reconcileRecords(dsn, { ...config, sourceKeysQuery: 'select key from nowhere' })).rejects.toThrow(
      /record accounting failed: sourceKeysQuery failed: relation "nowhere" does not exist/,
    );
    const wrong = new URL(dsn);
    wrong.password = 'wrong-secret-password';
    const error = await reconcileRecords(wrong.toString(), config).catch((e: Error) => e);
    expect(String(error)).toContain('record accounting failed');
    expect(String(error)).not.toContain('wrong-secret-password');
  });
});

describe('record accounting on the reference pipeline (2000 loans, real V2 run, drill.config.ts accounting with values)', () => {
  let ref: ReferenceDatabase;
  beforeAll(async () => {
    ref = await seededReferenceDatabase(server, 'accounting_small', { loans: 2000 });
    await ref.v2.stop();
  });
  afterAll(async () => {
    await ref?.close();
  });

  it('accounts for every source record, with the values V2 loaded, after a complete run', async () => {
    const result = await reconcileRecords(ref.dsn, referenceAccounting);
    const state = await ledgerState(ref.dsn);
    expect(result).toMatchObject({
      ...nothingWrong,
      complete: true,
      valueColumns: ['amount', 'dated'],
      sourceKeys: state.sourceRows,
      processedKeys: state.clean,
      quarantinedKeys: state.quarantined,
      accountedKeys: state.sourceRows,
      buckets: { total: 256, mismatched: 0 },
    });
    expect(state.quarantined).toBeGreaterThan(0);
  });

  it('finds exactly the 3 records whose clean rows were deleted, by key, and a payment loaded with another amount', async () => {
    const victims = await rows<{ payment_id: string }>(ref.dsn, `select payment_id::text from abaco.payments order by md5(payment_id::text) limit 4`);
    const [changed, ...deleted] = victims.map((v) => v.payment_id);
    await sql(
      ref.dsn,
      'create table abaco.saved as select * from abaco.payments where payment_id = any($ids)'.replace('$ids', `'{${victims.map((v) => v.payment_id).join(',')}}'::bigint[]`),
      `delete from abaco.payments where payment_id in (${deleted.join(', ')})`,
      `update abaco.payments set amount = amount + 1 where payment_id = ${changed}`,
    );
    try {
      const result = await reconcileRecords(ref.dsn, referenceAccounting);
      expect(result.missingKeys).toBe(3);
      expect(result.missingSample).toEqual(deleted.map((id) => `payments:${id}`).sort());
      expect(result.valueMismatches).toBe(1);
      const [sample] = result.valueMismatchSample;
      expect(sample!.key).toBe(`payments:${changed}`);
      expect(Number(sample!.processed[0]!.values.amount) - Number(sample!.source[0]!.values.amount)).toBeCloseTo(1, 6);
      expect(result).toMatchObject({ unexpectedKeys: 0, doublyAccounted: 0, processedTwice: 0, complete: false });
    } finally {
      await sql(
        ref.dsn,
        `delete from abaco.payments where payment_id in (select payment_id from abaco.saved)`,
        'insert into abaco.payments select * from abaco.saved',
        'drop table abaco.saved',
      );
    }
  });
});

describe('record accounting after a real V1 run (1000 loans): V1 loads its own way (integer cents, string dates), the values must still match', () => {
  it('is complete', async () => {
    const dsn = await server.createDatabase('accounting_v1');
    const outputDir = await mkdtemp(join(tmpdir(), 'accounting-v1-out-'));
    try {
      await generate(dsn, ['--loans', '1000', '--seed', '11']);
      const v1 = await startPipeline('v1', { databaseUrl: dsn, outputDir });
      await v1.waitHealthy();
      const run = await v1.runToCompletion(120_000);
      expect(run.status).toBe('succeeded');
      await v1.stop();
      const result = await reconcileRecords(dsn, referenceAccounting);
      expect(result).toMatchObject({ ...nothingWrong, complete: true });
      expect(result.quarantinedKeys).toBeGreaterThan(0);
    } finally {
      await killAll();
      await rm(outputDir, { recursive: true, force: true });
    }
  });
});

describe('record accounting at 20k loans (~118k source records)', () => {
  let ref: ReferenceDatabase;
  beforeAll(async () => {
    ref = await seededReferenceDatabase(server, 'accounting_20k', { loans: 20_000 });
    await ref.v2.stop();
  }, 300_000);
  afterAll(async () => {
    await ref?.close();
  });

  it('reconciles 100k+ records with values while bringing only summaries into Node, and times it', async () => {
    const client = new pg.Client({ connectionString: ref.dsn });
    await client.connect();
    try {
      const counted = countingQueryable(client);
      const viaClient = await reconcileRecords(counted, referenceAccounting);
      expect(viaClient.sourceKeys).toBeGreaterThan(100_000);
      expect(viaClient.complete).toBe(true);
      // Independent of the function's own count: what crossed this client. The queries described (their
      // columns' types), one whole summary per query, one row of quarantined key hashes: no bucket, no key.
      expect(counted.rowsFetched).toBeLessThanOrEqual(12);
      expect(viaClient.rowsFetched).toBe(counted.rowsFetched);

      const timings: number[] = [];
      for (let i = 0; i < 3; i++) timings.push((await reconcileRecords(ref.dsn, referenceAccounting)).durationMs);

      // Loss spread over every bucket: the diff runs over all of them, and still only samples come back.
      await client.query(`delete from abaco.payments where payment_id % 200 = 0`);
      const lossy = await reconcileRecords(counted, referenceAccounting);
      const lost = Number(
        (
          await client.query(`select count(*) from cascade.payments p where p.payment_id % 200 = 0
                                                  and not exists (select 1 from abaco.quarantine q where q.source = 'payments' and q.source_id = p.payment_id)`)
        ).rows[0].count,
      );
      expect(lossy.missingKeys).toBe(lost);
      expect(lossy.missingKeys).toBeGreaterThan(400);
      expect(lossy.missingSample).toHaveLength(10);
      expect(lossy.buckets.mismatched).toBeGreaterThan(200);
      // Described queries and whole summaries, 3 × 256 bucket summaries at most, 1 row of diff counts and samples.
      expect(lossy.rowsFetched).toBeLessThanOrEqual(12 + 3 * 256 + 1);
      console.log(
        `record accounting with values, ${viaClient.sourceKeys} source keys, 256 buckets: complete ${timings.join(' / ')} ms; ` +
          `${lossy.missingKeys} missing over ${lossy.buckets.mismatched} buckets ${lossy.durationMs} ms; rows fetched ${lossy.rowsFetched}`,
      );
    } finally {
      await client.end();
    }
  });
});
