import { describe, expect, it } from 'vitest';
import type { KpiPoint } from './kpi-compare.ts';
import { newestFileWins } from './newest-file-wins.ts';

const p = (kpi: string, value: number, asOf = '2024-12-31', segment = 'all'): KpiPoint => ({ asOf, segment, kpi, value });

describe('newestFileWins', () => {
  it('keeps the newest file value of a point present in several files, in any listing order', () => {
    const older = { path: 'metrics/2024-12-31/v2-a.parquet', mtimeMs: 1000, points: [p('par30', 0.1), p('active_loans', 5)] };
    const newer = { path: 'metrics/2024-12-31/v1-b.parquet', mtimeMs: 2000, points: [p('par30', 0.2)] };
    const other = { path: 'metrics/2024-11-30/v2-a.parquet', mtimeMs: 1000, points: [p('par30', 0.3, '2024-11-30')] };
    const expected = [p('par30', 0.2), p('active_loans', 5), p('par30', 0.3, '2024-11-30')];
    expect(newestFileWins([older, newer, other])).toEqual(expect.arrayContaining(expected));
    expect(newestFileWins([newer, other, older])).toHaveLength(3);
    expect(newestFileWins([newer, other, older])).toEqual(expect.arrayContaining(expected));
  });

  it('breaks an mtime tie by the larger path, so the answer never depends on the directory order', () => {
    const a = { path: 'x/a.parquet', mtimeMs: 5, points: [p('k', 1)] };
    const b = { path: 'x/b.parquet', mtimeMs: 5, points: [p('k', 2)] };
    expect(newestFileWins([a, b])).toEqual([p('k', 2)]);
    expect(newestFileWins([b, a])).toEqual([p('k', 2)]);
  });

  it('keeps duplicates inside one file for compareKpis to report, but drops them when a newer file supersedes', () => {
    const dup = { path: 'a', mtimeMs: 1, points: [p('k', 1), p('k', 1.5)] };
    expect(newestFileWins([dup])).toEqual([p('k', 1), p('k', 1.5)]);
    expect(newestFileWins([dup, { path: 'b', mtimeMs: 2, points: [p('k', 3)] }])).toEqual([p('k', 3)]);
  });

  it('keeps the points of an as-of only one file holds, duplicates included, beside as-ofs several files hold', () => {
    const first = { path: 'run-1', mtimeMs: 1, points: [p('k', 1, '2024-10-31'), p('k', 1.1, '2024-10-31'), p('k', 2, '2024-11-30'), p('j', 3, '2024-11-30')] };
    const rerun = { path: 'run-2', mtimeMs: 2, points: [p('k', 20, '2024-11-30')] };
    const result = newestFileWins([rerun, first]);
    expect(result).toHaveLength(4);
    expect(result).toEqual(expect.arrayContaining([p('k', 1, '2024-10-31'), p('k', 1.1, '2024-10-31'), p('k', 20, '2024-11-30'), p('j', 3, '2024-11-30')]));
  });

  it('treats segment and kpi as parts of the key, not a joined string', () => {
    const points = [p('b|c', 1, '2024-01-31', 'a'), p('c', 2, '2024-01-31', 'a|b')];
    expect(
      newestFileWins([
        { path: 'a', mtimeMs: 1, points: [points[0]!] },
        { path: 'b', mtimeMs: 2, points: [points[1]!] },
      ]),
    ).toEqual(points);
  });
});
