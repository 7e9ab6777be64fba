import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.ts';

describe('contentHash', () => {
  const a = { target: 'a', content: 'one' };
  const b = { target: 'b', content: 'two' };

  it('ignores the order of inputs', async () => {
    const first = await contentHash({ files: [a, b], directories: [], facts: ['f'] });
    expect(await contentHash({ files: [b, a], directories: [], facts: ['f'] })).toBe(first);
  });

  it('changes with a byte, a target path, a directory mode or a fact', async () => {
    const base = await contentHash({ files: [a], directories: [], facts: [] });
    const variants = await Promise.all([
      contentHash({ files: [{ ...a, content: 'onE' }], directories: [], facts: [] }),
      contentHash({ files: [{ ...a, target: 'c' }], directories: [], facts: [] }),
      contentHash({ files: [a], directories: [{ target: 'tmp', mode: 0o1777 }], facts: [] }),
      contentHash({ files: [a], directories: [], facts: ['FROM x@1'] }),
    ]);
    expect(new Set([base, ...variants]).size).toBe(5);
  });
});
