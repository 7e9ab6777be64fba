import { describe, expect, it } from 'vitest';
import { diffHistoryRows, valueText } from './history-diff.ts';

const r = (as_of: string, segment: string, kpi: string, value: number) => ({ as_of, segment, kpi, value });
const keys = ['as_of', 'segment', 'kpi'];

describe('valueText', () => {
  it("names values as Postgres prints to_json(v) #>> '{}'", () => {
    expect(valueText('2024-01-31')).toBe('2024-01-31');
    expect(valueText(3)).toBe('3');
    expect(valueText(1.5)).toBe('1.5');
    expect(valueText(true)).toBe('true');
    expect(valueText(null)).toBe('(null)');
    expect(valueText([1, 2])).toBe('[1,2]');
  });
});

describe('diffHistoryRows', () => {
  it('is empty for the same rows in another order and column order', () => {
    const before = [r('2024-01-31', 'sme', 'par30', 0.1), r('2024-01-31', 'all', 'par30', 0.2)];
    const after = [{ value: 0.2, kpi: 'par30', segment: 'all', as_of: '2024-01-31' }, r('2024-01-31', 'sme', 'par30', 0.1)];
    expect(diffHistoryRows(before, after, keys)).toEqual([]);
  });

  it('names a changed, an added and a removed row by key, sorted by key', () => {
    const before = [r('2024-01-31', 'sme', 'par30', 0.1), r('2024-01-31', 'auto', 'par30', 0.3)];
    const after = [r('2024-01-31', 'sme', 'par30', 1.1), r('2024-01-31', 'all', 'par30', 0.2)];
    expect(diffHistoryRows(before, after, keys)).toEqual([
      { key: { as_of: '2024-01-31', segment: 'all', kpi: 'par30' }, before: null, after: r('2024-01-31', 'all', 'par30', 0.2) },
      { key: { as_of: '2024-01-31', segment: 'auto', kpi: 'par30' }, before: r('2024-01-31', 'auto', 'par30', 0.3), after: null },
      { key: { as_of: '2024-01-31', segment: 'sme', kpi: 'par30' }, before: r('2024-01-31', 'sme', 'par30', 0.1), after: r('2024-01-31', 'sme', 'par30', 1.1) },
    ]);
  });

  it('shows a duplicated row as added instead of letting it vanish', () => {
    const row = r('2024-01-31', 'sme', 'par30', 0.1);
    expect(diffHistoryRows([row], [row, { ...row }], keys)).toEqual([{ key: { as_of: '2024-01-31', segment: 'sme', kpi: 'par30' }, before: null, after: row }]);
  });

  it('keeps key parts apart: "a|b"+"c" is not "a"+"b|c"', () => {
    const k = ['x', 'y'];
    expect(diffHistoryRows([{ x: 'a|b', y: 'c', v: 1 }], [{ x: 'a', y: 'b|c', v: 1 }], k)).toHaveLength(2);
  });
});
