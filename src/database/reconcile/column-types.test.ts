import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../errors.ts';
import { familyOf, hashSql, keyFamily, keySql, valueFamily, type ColumnType } from './column-types.ts';

const col = (query: string, typeName: string, oid: number): ColumnType => ({ query, typeName, family: familyOf(oid) });

describe('valueFamily', () => {
  it('hashes integers of any width as int8, floats as float8, and character types as text', () => {
    expect(valueFamily('n', [col('a', 'integer', 23), col('b', 'bigint', 20), col('c', 'smallint', 21)])).toBe('integer');
    expect(valueFamily('f', [col('a', 'real', 700), col('b', 'double precision', 701)])).toBe('float');
    expect(valueFamily('t', [col('a', 'character varying', 1043), col('b', 'text', 25), col('c', 'character', 1042)])).toBe('text');
  });

  it('hashes an integer beside a numeric as numeric (exact)', () => {
    expect(valueFamily('amount', [col('source', 'numeric', 1700), col('processed', 'bigint', 20)])).toBe('numeric');
  });

  it('refuses any other mix, naming the column, both queries and both types', () => {
    const mix = () => valueFamily('amount', [col('sourceKeysQuery', 'numeric', 1700), col('processedKeysQuery', 'double precision', 701)]);
    expect(mix).toThrow(HarnessError);
    expect(mix).toThrow('value column amount is numeric in sourceKeysQuery but double precision in processedKeysQuery; cast one of them');
    expect(() => valueFamily('d', [col('a', 'date', 1082), col('b', 'timestamp without time zone', 1114)])).toThrow('value column d is date in a but timestamp');
  });

  it('refuses a type with no typed hash, and says to cast it', () => {
    expect(() => valueFamily('blob', [col('q', 'bytea', 17)])).toThrow('value column blob has type bytea in q, which has no typed hash here; cast it');
  });
});

describe('keyFamily', () => {
  it('compares keys as int8 only when every query returns an integer key, as text otherwise', () => {
    expect(keyFamily([col('a', 'bigint', 20), col('b', 'integer', 23)])).toBe('integer');
    expect(keyFamily([col('a', 'bigint', 20), col('b', 'text', 25)])).toBe('text');
    expect(keyFamily([col('a', 'numeric', 1700)])).toBe('text');
    expect(keySql('text', 'src.key')).toBe('((src.key)::text collate "C")');
    expect(keySql('integer', 'src.key')).toBe('(src.key)::int8');
  });
});

describe('hashSql', () => {
  it("uses the type's own hash function on the typed value, never its text (except for text)", () => {
    expect(hashSql('numeric', 'x', '7')).toBe('hash_numeric_extended((x)::numeric, 7)');
    expect(hashSql('integer', 'x', '7')).toBe('hashint8extended((x)::int8, 7)');
    expect(hashSql('date', 'x', '7')).toBe('timestamp_hash_extended((x)::timestamp, 7)');
    expect(hashSql('timestamptz', 'x', '7')).toBe("timestamp_hash_extended((x) at time zone 'UTC', 7)");
    expect(hashSql('text', 'x', '7')).toBe('hashtextextended((x)::text collate "C", 7)');
  });
});
