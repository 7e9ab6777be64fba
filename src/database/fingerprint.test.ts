import { describe, expect, it } from 'vitest';
import { diffFingerprints, type Fingerprints } from './fingerprint.ts';

const fp = (table: string, rows: number, hash: string) => ({ [table]: { table, rows, hash } });

describe('diffFingerprints', () => {
  it('finds nothing between equal fingerprints', () => {
    const same: Fingerprints = { ...fp('public.loans', 10, 'a'), ...fp('public.payments', 20, 'b') };
    expect(diffFingerprints(same, { ...same })).toEqual([]);
    expect(diffFingerprints({}, {})).toEqual([]);
  });

  it('names added, removed and changed tables with their row counts, in name order', () => {
    const before: Fingerprints = { ...fp('public.loans', 10, 'a'), ...fp('public.old', 3, 'c'), ...fp('public.payments', 20, 'b') };
    const after: Fingerprints = { ...fp('public.payments', 20, 'B'), ...fp('public.loans', 11, 'x'), ...fp('public.new', 0, 'd') };
    expect(diffFingerprints(before, after)).toEqual([
      { table: 'public.loans', change: 'changed', rowsBefore: 10, rowsAfter: 11 },
      { table: 'public.new', change: 'added', rowsAfter: 0 },
      { table: 'public.old', change: 'removed', rowsBefore: 3 },
      { table: 'public.payments', change: 'changed', rowsBefore: 20, rowsAfter: 20 },
    ]);
  });

  it('treats the same count with a different hash as a change (one value edited)', () => {
    expect(diffFingerprints(fp('s.t', 5, 'h1'), fp('s.t', 5, 'h2'))).toEqual([{ table: 's.t', change: 'changed', rowsBefore: 5, rowsAfter: 5 }]);
  });
});
