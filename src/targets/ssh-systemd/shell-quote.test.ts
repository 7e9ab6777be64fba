import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandLine, shellQuote } from './shell-quote.ts';

// What a POSIX shell makes of the line: each argument printed on its own line by printf.
const throughShell = (argv: string[]) => execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${commandLine(argv)}`], { encoding: 'utf8' });

describe('shellQuote', () => {
  it('single-quotes every argument, even plain ones', () => {
    expect(shellQuote('systemctl')).toBe("'systemctl'");
    expect(shellQuote('')).toBe("''");
  });

  it("writes a single quote as '\\''", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('refuses NUL bytes', () => {
    expect(() => shellQuote('a\0b')).toThrow('NUL');
  });

  it('hands every argument to the program unchanged, whatever it contains', () => {
    const nasty = ["a'b", '$(touch /tmp/pwned)', '`id`', 'x; rm -rf /', '"q"', '\\n', 'with space', '*', '$HOME', "''", 'new\nline'];
    expect(throughShell(nasty)).toBe(nasty.map((a) => `${a}\n`).join(''));
  });
});

describe('commandLine', () => {
  it('joins the quoted arguments with spaces', () => {
    expect(commandLine(['systemctl', 'is-active', 'abaco-pipeline-v1'])).toBe("'systemctl' 'is-active' 'abaco-pipeline-v1'");
  });

  it('refuses an empty command', () => {
    expect(() => commandLine([])).toThrow('empty');
  });
});
