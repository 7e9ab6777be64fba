import { describe, expect, it } from 'vitest';
import { findingNames } from './key-diff.ts';
import {
  bucketSummarySql,
  diffShape,
  hashedSql,
  keyConditions,
  keyDiffSql,
  memberBitmap,
  nullMark,
  repeatedBucketsSql,
  sideKeysSql,
  wholeSummarySql,
  type HashPlan,
  type PlannedQuery,
} from './summary-sql.ts';

const plan: HashPlan = {
  key: 'text',
  values: [
    { name: 'amount', family: 'numeric' },
    { name: 'Paid On', family: 'date' },
  ],
};
const keysOnly: HashPlan = { key: 'integer', values: [] };
const source: PlannedQuery = { what: 'sourceKeysQuery', sql: 'select id as key, amount, "Paid On" from t;', values: true };
const quarantined: PlannedQuery = { what: 'quarantinedKeysQuery', sql: 'select id as key from q -- rejected', values: false };

describe('hashedSql', () => {
  it('hashes the key and every value typed, each column with its own seed and null mark, behind a fence that costs nothing', () => {
    const sql = hashedSql(plan, source);
    expect(sql).toContain('hashtextextended(((src.key)::text collate "C"), 1) as kh');
    expect(sql).toContain(`coalesce(hash_numeric_extended((src."amount")::numeric, 101), ${nullMark(0)})`);
    expect(sql).toContain(`coalesce(timestamp_hash_extended((src."Paid On")::timestamp, 102), ${nullMark(1)}) as vh`);
    expect(sql).toContain('case when false then clock_timestamp() end as fence');
    expect(sql).toContain('(\nselect id as key, amount, "Paid On" from t\n) as src');
    expect(sql).not.toMatch(/::text[^ ]* as vh/);
  });

  it('gives key-only queries and key-only plans no value hash, and integer keys an int8 hash', () => {
    expect(hashedSql(plan, quarantined)).toContain('0::int8 as vh');
    expect(hashedSql(keysOnly, source)).toContain('hashint8extended((src.key)::int8, 1) as kh');
  });

  it('marks a null differently in every column position, and always the same way', () => {
    const marks = [0, 1, 2, 3].map(nullMark);
    expect(new Set(marks).size).toBe(4);
    expect(nullMark(0)).toBe(nullMark(0));
    for (const mark of marks) expect(BigInt(mark) >= -(2n ** 63n) && BigInt(mark) < 2n ** 63n).toBe(true);
  });

  it('names the configured query in its errors', () => {
    expect(() => hashedSql(plan, { ...source, sql: 'select 1 as key; drop table t' })).toThrow('sourceKeysQuery must be a single query');
    expect(() => hashedSql(plan, { ...source, sql: ' ; ' })).toThrow('sourceKeysQuery is empty');
  });
});

describe('summaries', () => {
  it('sum one row hash per keyed row: the key hash alone without values, mixed with the value hash with them', () => {
    expect(wholeSummarySql(keysOnly, source)).toContain('coalesce(sum(hashed.kh), 0)::text as s');
    expect(wholeSummarySql(plan, source)).toContain('sum(hashint8extended(hashed.kh, hashed.vh))');
  });

  it('summarise the rows of quarantined keys without their values, by a hashed lookup or a join', () => {
    expect(wholeSummarySql(plan, source, { kind: 'hashes', bitmapBits: 65536 })).toContain(
      'case when get_bit($1::bytea, (hashed.kh & 65535)::int) = 1 and hashed.kh = any($2::int8[]) then 0 else hashed.vh end',
    );
    expect(bucketSummarySql(plan, source, { kind: 'hashes', bitmapBits: 65536 })).toContain('get_bit($2::bytea, (hashed.kh & 65535)::int) = 1 and hashed.kh = any($3::int8[])');
    const joined = wholeSummarySql(plan, source, { kind: 'join', queries: [quarantined] });
    expect(joined).toContain('left join (select kh from');
    expect(joined).toContain('as member on member.kh = hashed.kh');
    expect(joined).toContain('case when member.kh is not null then 0 else hashed.vh end');
    // A key-only query itself has nothing to leave out.
    expect(wholeSummarySql(plan, quarantined, { kind: 'hashes', bitmapBits: 65536 })).not.toContain('any(');
  });
});

describe('memberBitmap', () => {
  it("sets the bit of each hash's low bits as get_bit numbers them, 16 bits per hash, from 2^16 to 2^26 bits", () => {
    const { bits, bytes } = memberBitmap('{0,9,65537}', 3);
    expect(bits).toBe(65536);
    expect(bytes.length).toBe(8192);
    expect([bytes[0], bytes[1]]).toEqual([0b1 | 0b10, 0b10]); // bit 0 and 65537 & 65535 = 1 in byte 0; bit 9 = byte 1, bit 1
    expect(memberBitmap('{}', 0).bits).toBe(65536);
    expect(memberBitmap('{}', 100_000).bits).toBe(2 ** 21);
    expect(memberBitmap('{}', 10_000_000).bits).toBe(2 ** 26);
  });
});

describe('key-level diff', () => {
  const shape = diffShape(plan, [source], [{ ...source, what: 'processedKeysQuery' }, quarantined]);

  it('knows which queries are on which side and which carry values', () => {
    expect(shape).toEqual({ left: [0], right: [1, 2], leftValues: [0], rightValues: [1] });
  });

  it('states in SQL exactly the kinds of difference the Node merge classifies', () => {
    expect(Object.keys(keyConditions(shape))).toEqual(findingNames(shape));
    expect(keyConditions(shape)).toMatchObject({
      only_left: '(c0) > 0 and (c1 + c2) = 0',
      repeated_right: '(c1 + c2) > 1',
      across_right: '((c1 > 0)::int + (c2 > 0)::int) > 1',
      value_mismatches: '(c0) > 0 and (c1) > 0 and (left_min <> right_min or left_max <> right_max)',
      repeated_in_2: 'c2 > 1',
    });
  });

  it('counts and samples every kind in one statement over the mismatched buckets', () => {
    const sql = keyDiffSql(plan, [source], [source, quarantined]);
    for (const name of findingNames(shape)) {
      expect(sql).toContain(`${name}::text`);
      expect(sql).toContain(`as ${name}_sample`);
    }
    expect(sql).toContain('= any($2::int[])');
    expect(sql).toContain('order by k limit $3');
  });

  it("streams one side's keys ordered by hash then key, with the buckets written in as integers", () => {
    const sql = sideKeysSql(plan, [source], 256, [3, 17]);
    expect(sql).toContain(`= any('{3,17}'::int[])`);
    expect(sql).toContain('% 256)::int');
    expect(sql).toMatch(/order by kh, k\s*$/);
    expect(() => sideKeysSql(plan, [source], 256, [1.5])).toThrow('bucket numbers must be non-negative integers');
  });

  it("finds repeated keys by sorting a side's key hashes (multiplicity checked)", () => {
    const sql = repeatedBucketsSql(plan, [source, quarantined]);
    expect(sql).toContain('lag(kh) over (order by kh) as previous');
    expect(sql).toContain('where kh = previous');
  });
});
