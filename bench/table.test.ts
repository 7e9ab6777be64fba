import { describe, expect, it } from 'vitest';
import type { Figure } from './figure.ts';
import { formatValue, ratio, renderTable } from './table.ts';

const overhead: Figure = {
  name: 'harness overhead',
  project: { samples: [40, 12, 70], unit: 'ms' },
  goal: '≤ 100 ms',
  met: true,
  note: 'floor 520 ms',
};
const seed: Figure = {
  name: 'vs seed procedure',
  project: { samples: [600, 500, 700], unit: 'ms' },
  anchor: { label: 'seed: sleep 10', samples: [10_400, 10_300, 10_500], unit: 'ms' },
  goal: '≤ anchor',
  met: true,
};
const generation: Figure = {
  name: 'generation 10M rows',
  project: { samples: [2_000_000, 3_000_000, 2_500_000], unit: 'rows/s' },
  anchor: { label: 'plain INSERT', samples: [500_000, 500_000, 500_000], unit: 'rows/s' },
  goal: '≥ 1M rows/s',
  met: false,
};

describe('renderTable', () => {
  it('prints one header and one row per figure, with median, range and count', () => {
    const lines = renderTable([overhead, seed]).split('\n');
    expect(lines[0]).toMatch(/^\| figure +\| this project: median \(min–max\) ×n +\| anchor: median +\| ratio +\| goal +\| met\? +\|$/);
    expect(lines[1]).toMatch(/^\|-+\|-+\|-+\|-+\|-+\|-+\|$/);
    expect(lines[2]).toContain('| 40 ms (12 ms–70 ms) ×3');
    expect(lines[2]).toMatch(/\| — +\| — +\| ≤ 100 ms \| yes +\|$/);
    expect(lines[3]).toContain('| 600 ms (500 ms–700 ms) ×3');
    expect(lines[3]).toContain('| seed: sleep 10: 10.40 s');
    expect(lines[3]).toContain('| 17.3× ');
  });

  it('lines every row up to the same width', () => {
    const lines = renderTable([overhead, seed, generation]).split('\n').slice(0, 5);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('says NO for a goal not met, and lists the notes below the table', () => {
    const text = renderTable([overhead, generation]);
    expect(text.split('\n')[3]).toMatch(/\| NO +\|$/);
    expect(text).toContain('\nNotes:\n- harness overhead: floor 520 ms');
    expect(text).not.toContain('- generation 10M rows:');
  });

  it('escapes a pipe inside a cell so the Markdown row keeps its columns', () => {
    const row = renderTable([{ ...overhead, name: 'a | b' }]).split('\n')[2]!;
    expect(row).toContain('a \\| b');
  });

  it('gives the same text for the same figures', () => {
    expect(renderTable([seed, generation])).toBe(renderTable([seed, generation]));
  });
});

describe('ratio', () => {
  it('is anchor ÷ project for times (the seed procedure over the harness) and project ÷ anchor for rows/s', () => {
    expect(ratio(seed)).toBeCloseTo(10_400 / 600);
    expect(ratio(generation)).toBeCloseTo(5);
    expect(ratio(overhead)).toBeUndefined();
  });
});

describe('formatValue', () => {
  it('formats each unit', () => {
    expect(formatValue(73.4, 'ms')).toBe('73 ms');
    expect(formatValue(-20, 'ms')).toBe('-20 ms');
    expect(formatValue(12_345, 'ms')).toBe('12.35 s');
    expect(formatValue(125_000, 'ms')).toBe('2 m 5.0 s');
    expect(formatValue(512.25, 'MB')).toBe('512.3 MB');
    expect(formatValue(2_500_000, 'rows/s')).toBe('2.50M rows/s');
    expect(formatValue(45_600, 'rows/s')).toBe('45.6k rows/s');
    expect(formatValue(1.5, 'x')).toBe('1.50×');
  });
});
