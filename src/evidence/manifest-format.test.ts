import { describe, expect, it } from 'vitest';
import { diffManifest, formatManifest, parseManifest } from './manifest-format.ts';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);
const c = 'c'.repeat(64);

describe('manifest format (sha256sum)', () => {
  it('writes "<hash>  <path>" lines sorted by path in code-unit order', () => {
    const text = formatManifest([
      { path: 'z.txt', sha256: a },
      { path: 'B/x.log', sha256: b },
      { path: 'a/y.json', sha256: c },
    ]);
    expect(text).toBe(`${b}  B/x.log\n${c}  a/y.json\n${a}  z.txt\n`);
  });

  it('escapes names holding a backslash or newline as GNU sha256sum does, and reads them back', () => {
    const text = formatManifest([{ path: 'odd\\name\nx', sha256: a }]);
    expect(text).toBe(`\\${a}  odd\\\\name\\nx\n`);
    expect([...parseManifest(text).entries]).toEqual([['odd\\name\nx', a]]);
  });

  it('round-trips and accepts the binary-mode marker', () => {
    const parsed = parseManifest(`${a}  one\n${b} *two words.txt\n`);
    expect(parsed.malformed).toEqual([]);
    expect([...parsed.entries]).toEqual([
      ['one', a],
      ['two words.txt', b],
    ]);
  });

  it('names malformed and repeated lines by number', () => {
    const parsed = parseManifest(`${a}  one\nnot a line\n${b}  one\n${'A'.repeat(64)}  upper\n`);
    expect(parsed.malformed).toEqual(['line 2: not "<sha256>  <path>"', 'line 3: one listed twice', 'line 4: not "<sha256>  <path>"']);
  });
});

describe('diffManifest', () => {
  it('names each changed, added and removed file, sorted', () => {
    const sealed = new Map([
      ['same', a],
      ['edited', a],
      ['gone', b],
      ['also-gone', c],
    ]);
    const now = new Map([
      ['same', a],
      ['edited', b],
      ['new', c],
      ['another-new', a],
    ]);
    expect(diffManifest(sealed, now)).toEqual({ changed: ['edited'], added: ['another-new', 'new'], removed: ['also-gone', 'gone'] });
  });

  it('finds nothing when the files are as sealed', () => {
    const files = new Map([['x', a]]);
    expect(diffManifest(files, new Map(files))).toEqual({ changed: [], added: [], removed: [] });
  });
});
