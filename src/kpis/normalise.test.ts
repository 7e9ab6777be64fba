import { describe, expect, it } from 'vitest';
import { filterText, normaliseAsOf, normaliseLabel, normaliseValue, toKpiPoint } from './normalise.ts';

describe('normaliseAsOf', () => {
  it('reads a Date in UTC, whatever the process time zone', () => {
    expect(normaliseAsOf(new Date('2024-01-31T00:00:00Z'), 'row 1')).toBe('2024-01-31');
    expect(normaliseAsOf(new Date('2024-12-31T23:59:59.999Z'), 'row 1')).toBe('2024-12-31');
  });

  it('accepts date text, with or without a time part', () => {
    expect(normaliseAsOf('2024-02-29', 'row 1')).toBe('2024-02-29');
    expect(normaliseAsOf('2024-01-31 00:00:00+00', 'row 1')).toBe('2024-01-31');
    expect(normaliseAsOf('2024-01-31T00:00:00Z', 'row 1')).toBe('2024-01-31');
    expect(normaliseAsOf(' 2024-01-31 ', 'row 1')).toBe('2024-01-31');
  });

  it('rejects non-days and names the row and the value', () => {
    expect(() => normaliseAsOf('2023-02-29', 'KPI query row 7')).toThrow(`KPI query row 7: as-of "2023-02-29" is not a date`);
    expect(() => normaliseAsOf('31/01/2024', 'row 1')).toThrow('as-of "31/01/2024" is not a date');
    expect(() => normaliseAsOf('2024-01-311', 'row 1')).toThrow('is not a date');
    expect(() => normaliseAsOf(null, 'row 2')).toThrow('row 2: as-of null is not a date');
    expect(() => normaliseAsOf(19753, 'row 3')).toThrow('as-of 19753 is not a date');
    expect(() => normaliseAsOf(new Date(Number.NaN), 'row 4')).toThrow('row 4: as-of is an invalid date');
  });
});

describe('normaliseValue', () => {
  it('keeps numbers and null, converts bigint and numeric text', () => {
    expect(normaliseValue(1.5, 'r')).toBe(1.5);
    expect(normaliseValue(null, 'r')).toBeNull();
    expect(normaliseValue(undefined, 'r')).toBeNull();
    expect(normaliseValue(12n, 'r')).toBe(12);
    expect(normaliseValue('-3.25e2', 'r')).toBe(-325);
    expect(normaliseValue('.5', 'r')).toBe(0.5);
    expect(normaliseValue('NaN', 'r')).toBeNaN();
    expect(normaliseValue('-infinity', 'r')).toBe(-Infinity);
  });

  it('rejects what is not a number', () => {
    expect(() => normaliseValue('12 apples', 'file x row 3')).toThrow('file x row 3: value "12 apples" is not a number');
    expect(() => normaliseValue('', 'r')).toThrow('is not a number');
    expect(() => normaliseValue(true, 'r')).toThrow('value true is not a number');
  });
});

describe('normaliseLabel', () => {
  it('keeps text, prints numbers, rejects null', () => {
    expect(normaliseLabel('sme', 'segment', 'r')).toBe('sme');
    expect(normaliseLabel(7, 'segment', 'r')).toBe('7');
    expect(() => normaliseLabel(null, 'kpi', 'row 9')).toThrow('row 9: kpi null is not text');
  });
});

describe('toKpiPoint and filterText', () => {
  const row = { day: new Date('2024-03-31T00:00:00Z'), seg: 'auto', name: 'par30', v: 0.031, run: 'v2-1', n: 3n };
  const columns = { asOf: 'day', segment: 'seg', kpi: 'name', value: 'v' };

  it('maps columns to a point', () => {
    expect(toKpiPoint(row, columns, 'r')).toEqual({ asOf: '2024-03-31', segment: 'auto', kpi: 'par30', value: 0.031 });
  });

  it('gives a filtered column the text a filter compares: a date as its UTC day, no value as null', () => {
    expect(filterText(row.run)).toBe('v2-1');
    expect(filterText(row.day)).toBe('2024-03-31');
    expect(filterText(row.n)).toBe('3');
    expect(filterText(null)).toBeNull();
    expect(filterText(undefined)).toBeNull();
  });
});
