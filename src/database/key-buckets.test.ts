import { describe, expect, it } from 'vitest';
import { accountedBucketsSql, bucketDiffSql, mismatchedBuckets, sourceBucketsSql, summariesAgree, wholeAccountedSql, wholeSourceSql } from './key-buckets.ts';

const b = (bucket: number, n: number, s1 = `${n}1`, s2 = `${n}2`) => ({ bucket, n, s1, s2 });

describe('mismatchedBuckets', () => {
  it('is empty when every bucket has the same count and hash', () => {
    expect(mismatchedBuckets([b(0, 3), b(1, 2)], [b(1, 2), b(0, 3)])).toEqual([]);
  });

  it('names buckets differing in count, in either hash, or present on one side only, in order', () => {
    const source = [b(0, 3), b(1, 2), b(2, 5), b(3, 1), b(5, 4)];
    const accounted = [b(0, 3), b(1, 2, '21', 'other'), b(2, 4), b(4, 1), b(5, 4, 'x')];
    expect(mismatchedBuckets(source, accounted)).toEqual([1, 2, 3, 4, 5]);
  });

  it('ignores the null-key bucket (-1): null keys are reported separately, not diffed', () => {
    expect(mismatchedBuckets([b(-1, 1), b(0, 1)], [b(0, 1)])).toEqual([]);
  });
});

describe('summariesAgree', () => {
  it('needs the count and both hash sums equal', () => {
    const s = { n: 3, s1: '-12', s2: '99' };
    expect(summariesAgree(s, { ...s })).toBe(true);
    expect(summariesAgree(s, { ...s, n: 4 })).toBe(false);
    expect(summariesAgree(s, { ...s, s1: '-13' })).toBe(false);
    expect(summariesAgree(s, { ...s, s2: '98' })).toBe(false);
  });
});

describe('bucket SQL', () => {
  it('summarises each side in one aggregate over its configured query, hashing the key text byte-wise', () => {
    const whole = wholeSourceSql('select id as key from t');
    expect(whole.match(/\(\nselect id as key from t\n\)/g)).toHaveLength(1);
    expect(whole).toContain('collate "C"');
    const accounted = wholeAccountedSql('select 1 as key', 'select 2 as key');
    expect(accounted).toContain('select 1 as key');
    expect(accounted).toContain('select 2 as key');
    expect(sourceBucketsSql('select id as key from t').match(/\(\nselect id as key from t\n\)/g)).toHaveLength(1);
  });

  it('nests the configured queries safely and names them in its errors', () => {
    expect(sourceBucketsSql('select id as key from t; ')).toContain('(\nselect id as key from t\n) as src');
    expect(accountedBucketsSql('select 1 as key -- trailing comment', 'select 2 as key')).toContain('-- trailing comment\n) as src');
    expect(() => bucketDiffSql('select 1 as key; drop table t', 'select 1 as key', 'select 1 as key')).toThrow('sourceKeysQuery must be a single query');
    expect(() => accountedBucketsSql('select 1 as key', '  ')).toThrow('quarantinedKeysQuery is empty');
    expect(() => wholeAccountedSql('select 1 as key', 'select 1; select 2')).toThrow('quarantinedKeysQuery must be a single query');
  });
});
