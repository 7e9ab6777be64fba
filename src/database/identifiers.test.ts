import { describe, expect, it } from 'vitest';
import { formatQualifiedName, parseQualifiedName, quoteIdent, quoteQualified } from './identifiers.ts';

describe('quoteIdent', () => {
  it('always quotes and doubles embedded quotes', () => {
    expect(quoteIdent('loans')).toBe('"loans"');
    expect(quoteIdent('user')).toBe('"user"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent('x"; drop table t; --')).toBe('"x""; drop table t; --"');
  });

  it('refuses what PostgreSQL cannot name', () => {
    expect(() => quoteIdent('')).toThrow('cannot be empty');
    expect(() => quoteIdent('a\0b')).toThrow('NUL');
  });

  it('quotes both parts of a qualified name', () => {
    expect(quoteQualified({ schema: 'My Schema', name: 'loans' })).toBe('"My Schema"."loans"');
  });
});

describe('parseQualifiedName', () => {
  it('folds unquoted parts to lower case, as PostgreSQL does', () => {
    expect(parseQualifiedName('Cascade.Loans')).toEqual({ schema: 'cascade', name: 'loans' });
  });

  it('keeps quoted parts as written, including dots and doubled quotes', () => {
    expect(parseQualifiedName('"My.Schema"."Loans"')).toEqual({ schema: 'My.Schema', name: 'Loans' });
    expect(parseQualifiedName('public."a""b"')).toEqual({ schema: 'public', name: 'a"b' });
  });

  it('requires exactly schema.table', () => {
    expect(() => parseQualifiedName('loans')).toThrow('must be schema.table (got 1 part)');
    expect(() => parseQualifiedName('db.public.loans')).toThrow('got 3 parts');
    expect(() => parseQualifiedName('public.loans; drop table x')).toThrow('is not of the form schema.table');
    expect(() => parseQualifiedName('public."loans')).toThrow('unterminated quote');
    expect(() => parseQualifiedName('public.""')).toThrow('empty quoted part');
    expect(() => parseQualifiedName('')).toThrow('is not of the form');
  });
});

describe('formatQualifiedName', () => {
  it('quotes only the parts that need it', () => {
    expect(formatQualifiedName({ schema: 'public', name: 'loans' })).toBe('public.loans');
    expect(formatQualifiedName({ schema: 'public', name: 'Loans' })).toBe('public."Loans"');
    expect(formatQualifiedName({ schema: 'a.b', name: 'x y' })).toBe('"a.b"."x y"');
  });

  it('round-trips through parseQualifiedName', () => {
    for (const name of [
      { schema: 'public', name: 'loans' },
      { schema: 'Odd"One', name: 'with.dot' },
      { schema: 's', name: '1st' },
    ]) {
      expect(parseQualifiedName(formatQualifiedName(name))).toEqual(name);
    }
  });
});
