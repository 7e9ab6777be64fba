import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file.ts';

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, export prefixes, quotes and comments', () => {
    const env = parseEnvFile(['# V1 settings', 'A=1', 'export B = two', "C='single $X'", 'D="dq \\"x\\""', 'E=plain # trailing', ''].join('\n'), 'v1.env');
    expect(env).toEqual({ A: '1', B: 'two', C: 'single $X', D: 'dq "x"', E: 'plain' });
  });

  it('names the file and line of a malformed line', () => {
    expect(() => parseEnvFile('A=1\nnot a pair\n', 'v1.env')).toThrow('v1.env:2: not a KEY=VALUE line');
  });
});
