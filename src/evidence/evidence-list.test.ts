import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleJournal } from '../../test/helpers/sample-journal.ts';
import { inside, listEvidence } from './evidence-list.ts';

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'evidence-list-'));
  dir = join(root, 'run');
  await mkdir(join(dir, 'rollback-time'), { recursive: true });
  await mkdir(join(dir, 'data-validation', 'kpi-diff.csv'), { recursive: true });
  await writeFile(join(dir, 'journal.json'), '{}');
  await writeFile(join(dir, 'rollback-time', 'timings.json'), 'abc');
  // It exists, and still must not be read: the journal's paths are data, not permission.
  await writeFile(join(root, 'outside-run.txt'), 'not for the report');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('listEvidence', () => {
  it('gives size and sha256 of each file, and names the ones it cannot or must not read', async () => {
    const files = await listEvidence(dir, sampleJournal());
    const byPath = new Map(files.map((f) => [f.path, f]));
    expect(files[0]).toEqual({ path: 'journal.json', bytes: 2, sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' });
    // echo -n abc | sha256sum
    expect(byPath.get('rollback-time/timings.json')).toEqual({
      testId: 'rollback-time',
      path: 'rollback-time/timings.json',
      bytes: 3,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(byPath.get('rollback-time/missing.txt')?.problem).toBe('missing');
    expect(byPath.get('data-validation/kpi-diff.csv')?.problem).toBe('not a file');
    expect(byPath.get('../outside-run.txt')).toEqual({ testId: 'rollback-time', path: '../outside-run.txt', problem: 'outside the run folder' });
  });
});

describe('inside', () => {
  it('accepts paths below the run folder only', () => {
    expect(inside('/r', 'a/b.txt')).toBe(true);
    expect(inside('/r', 'a/../b.txt')).toBe(true);
    expect(inside('/r', '../r2/x')).toBe(false);
    expect(inside('/r', '/etc/passwd')).toBe(false);
    expect(inside('/r', '.')).toBe(false);
  });
});
