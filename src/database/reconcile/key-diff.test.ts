import { describe, expect, it } from 'vitest';
import { classify, compareInt8Text, copyFields, keyOrder, KeyTally, mergeKeyStreams, type SideKey } from './key-diff.ts';

// Accounting shape: left = source (query 0, values); right = processed (1, values) + quarantined (2, key only).
const shape = { left: [0], right: [1, 2], leftValues: [0], rightValues: [1] };
const range = (v: string) => ({ vmin: v, vmax: v });

describe('classify', () => {
  it('finds nothing for a key processed once with its values, or quarantined once', () => {
    expect(classify(shape, [1, 1, 0], range('5'), range('5'))).toEqual([]);
    expect(classify(shape, [1, 0, 1], range('5'), { vmin: null, vmax: null })).toEqual([]);
  });

  it('names a missing key, an unexpected one, and a value that differs', () => {
    expect(classify(shape, [1, 0, 0], range('5'), undefined)).toEqual(['only_left']);
    expect(classify(shape, [0, 0, 1], undefined, { vmin: null, vmax: null })).toEqual(['only_right']);
    expect(classify(shape, [1, 1, 0], range('5'), range('6'))).toEqual(['value_mismatches']);
  });

  it('counts occurrences: processed twice, processed and quarantined, a duplicated source key', () => {
    expect(classify(shape, [1, 2, 0], range('5'), range('5'))).toEqual(['repeated_right', 'repeated_in_1']);
    expect(classify(shape, [1, 1, 1], range('5'), range('5'))).toEqual(['repeated_right', 'across_right']);
    expect(classify(shape, [2, 1, 0], { vmin: '5', vmax: '6' }, range('5'))).toEqual(['repeated_left', 'value_mismatches', 'repeated_in_0']);
  });
});

describe('key order', () => {
  it('orders int8 text numerically without parsing it', () => {
    const sorted = ['-9223372036854775808', '-10', '-9', '0', '9', '10', '9223372036854775807'];
    expect([...sorted].reverse().sort(compareInt8Text)).toEqual(sorted);
    expect(compareInt8Text('42', '42')).toBe(0);
  });

  it('orders text by code point, as PostgreSQL\'s "C" collation orders UTF-8 bytes', () => {
    const order = keyOrder('text');
    // U+FF5E (3 bytes in UTF-8) sorts before U+1F600 (4 bytes), though its UTF-16 unit is larger than a surrogate.
    const keys = ['b', 'a', '\u{1F600}', '\uFF5E', 'ab', 'A'];
    expect(keys.sort(order)).toEqual(['A', 'a', 'ab', 'b', '\uFF5E', '\u{1F600}']);
    const bytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(keys).toEqual(bytes);
  });
});

describe('KeyTally', () => {
  it('counts exactly and keeps the smallest keys of each kind in key order, whatever order they come in', () => {
    const tally = new KeyTally(shape, 2, keyOrder('text'));
    for (const key of ['d', 'b', 'e', 'a', 'c']) tally.add(key, { kh: '0', key, counts: [1], ...range('1') }, undefined);
    tally.add('x', { kh: '0', key: 'x', counts: [1], ...range('1') }, { kh: '0', key: 'x', counts: [2, 0], ...range('1') });
    const { keys, findings } = tally.diff;
    expect(keys).toBe(6);
    expect(findings.only_left).toEqual({
      count: 5,
      sample: [
        { key: 'a', counts: [1, 0, 0] },
        { key: 'b', counts: [1, 0, 0] },
      ],
    });
    expect(findings.repeated_in_1).toEqual({ count: 1, sample: [{ key: 'x', counts: [1, 2, 0] }] });
    expect(findings.value_mismatches!.count).toBe(0);
  });
});

describe('mergeKeyStreams', () => {
  it('pairs two streams ordered by (hash, key) and classifies each key once', async () => {
    async function* rows(list: SideKey[]) {
      yield* list;
    }
    const row = (kh: string, key: string, counts: number[], v: string | null): SideKey => ({ kh, key, counts, vmin: v, vmax: v });
    const left = [row('-5', 'k1', [1], '1'), row('3', 'k2', [1], '2'), row('3', 'k3', [1], '3'), row('8', 'k4', [1], '4')];
    const right = [row('-5', 'k1', [1, 0], '1'), row('3', 'k3', [0, 1], null), row('7', 'k9', [1, 0], '9'), row('8', 'k4', [1, 0], '40')];
    const diff = await mergeKeyStreams(rows(left), rows(right), new KeyTally(shape, 10, keyOrder('text')), keyOrder('text'));
    expect(diff.keys).toBe(5);
    expect(diff.findings.only_left!.sample.map((s) => s.key)).toEqual(['k2']);
    expect(diff.findings.only_right!.sample.map((s) => s.key)).toEqual(['k9']);
    expect(diff.findings.value_mismatches!.sample.map((s) => s.key)).toEqual(['k4']);
  });
});

describe('copyFields', () => {
  it('splits a COPY text line and undoes its escapes, \\N being null', () => {
    expect(copyFields('12\ta\\tb\\\\c\\nd\t\\N\t-3')).toEqual(['12', 'a\tb\\c\nd', null, '-3']);
  });
});
