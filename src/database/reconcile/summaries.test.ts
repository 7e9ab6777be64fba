import { describe, expect, it } from 'vitest';
import { addSummaries, mismatchedBuckets, sideBuckets, summariesAgree } from './summaries.ts';

const b = (bucket: number, n: number, s = `${n}7`) => ({ bucket, n, s });

describe('summaries', () => {
  it('agree only with the same count and sum, compared as numbers', () => {
    const x = { n: 3, s: '-12' };
    expect(summariesAgree(x, { ...x })).toBe(true);
    expect(summariesAgree(x, { n: 3, s: '-012' })).toBe(true);
    expect(summariesAgree(x, { ...x, n: 4 })).toBe(false);
    expect(summariesAgree(x, { ...x, s: '-13' })).toBe(false);
  });

  it('add up exactly beyond 2^53 (sums of 64-bit hashes)', () => {
    expect(addSummaries({ n: 1, s: '9223372036854775807' }, { n: 1, s: '9223372036854775807' })).toEqual({ n: 2, s: '18446744073709551614' });
    expect(addSummaries({ n: 1, s: '-9223372036854775808' }, { n: 2, s: '-9223372036854775808' })).toEqual({ n: 3, s: '-18446744073709551616' });
  });
});

describe('bucket comparison', () => {
  it("adds a side's queries up per bucket (processed ⊎ quarantined)", () => {
    const side = sideBuckets([[b(0, 2, '10'), b(1, 1, '5')], [b(0, 1, '-3')]]);
    expect(side.get(0)).toEqual({ n: 3, s: '7' });
    expect(side.get(1)).toEqual({ n: 1, s: '5' });
  });

  it('names buckets differing in count, in sum, or present on one side only, in order', () => {
    const left = sideBuckets([[b(0, 3), b(1, 2), b(2, 5), b(3, 1), b(5, 4)]]);
    const right = sideBuckets([[b(0, 3), b(1, 2, '21'), b(2, 4), b(4, 1), b(5, 4, '0')]]);
    expect(mismatchedBuckets(left, right)).toEqual([1, 2, 3, 4, 5]);
  });

  it('is empty when every bucket agrees, whichever query of a side holds the rows', () => {
    const left = sideBuckets([[b(0, 2, '30'), b(7, 1)]]);
    const right = sideBuckets([[b(0, 1, '10'), b(7, 1)], [b(0, 1, '20')]]);
    expect(mismatchedBuckets(left, right)).toEqual([]);
  });
});
