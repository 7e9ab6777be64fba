import { describe, expect, it } from 'vitest';
import { parseLdd } from './shared-libraries.ts';

describe('parseLdd', () => {
  it('lists the loader and each resolved library, not the vdso', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ff03195e000)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007ff031600000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007ff03141e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007ff031960000)',
    ].join('\n');
    expect(parseLdd(output)).toEqual(['/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });

  it('refuses a library ldd cannot find, naming it', () => {
    expect(() => parseLdd('\tlibfoo.so.1 => not found')).toThrow('libfoo.so.1 => not found');
  });
});
