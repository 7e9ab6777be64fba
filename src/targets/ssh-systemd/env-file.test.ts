import { describe, expect, it } from 'vitest';
import { renderEnvFile } from './env-file.ts';

describe('renderEnvFile', () => {
  it('writes sorted KEY="value" lines, escaping what systemd unescapes inside double quotes', () => {
    expect(renderEnvFile({ PORT: '8081', ODD: `it's "$HOME" \\ ;=+/` }, 'written by test')).toBe(`# written by test\nODD="it's \\"\\$HOME\\" \\\\ ;=+/"\nPORT="8081"\n`);
  });

  it('refuses values with line breaks and names that are not variables, naming the key', () => {
    expect(() => renderEnvFile({ BAD: 'a\nb' }, 'h')).toThrow('BAD');
    expect(() => renderEnvFile({ 'NO-DASH': 'x' }, 'h')).toThrow("'NO-DASH'");
  });
});
