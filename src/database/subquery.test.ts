import { describe, expect, it } from 'vitest';
import { subquery } from './subquery.ts';

describe('subquery', () => {
  it('strips trailing semicolons and keeps a trailing comment away from the closing parenthesis', () => {
    expect(subquery('  select 1 ;; \n', 'q')).toBe('(\nselect 1\n)');
    expect(subquery('select 1 -- the end', 'q')).toBe('(\nselect 1 -- the end\n)');
  });

  it('allows semicolons inside literals, quoted names and comments', () => {
    expect(subquery(`select 'a;b' as "x;y" /* ; */ -- ;\nfrom t`, 'q')).toContain(`'a;b'`);
  });

  it('refuses two statements and empty text, naming the query', () => {
    expect(() => subquery('select 1; select 2', 'history query')).toThrow('history query must be a single query');
    expect(() => subquery(' ; ', 'sourceKeysQuery')).toThrow('sourceKeysQuery is empty');
  });
});
