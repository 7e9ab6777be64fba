import { HarnessError } from '../../errors.ts';

/**
 * How a column is hashed: by the hash PostgreSQL itself uses for the type's equality (hash
 * opclass), on the typed value, never on its text. Equal values hash equal whatever their display:
 * numeric 1.50 and 1.5, or varchar and text of the same string. Types whose values compare
 * equal across types share a family (int2/int4/int8; float4/float8; text/varchar/bpchar/name).
 */
export type HashFamily = 'integer' | 'numeric' | 'float' | 'text' | 'bool' | 'date' | 'timestamp' | 'timestamptz' | 'time' | 'timetz' | 'interval' | 'uuid' | 'jsonb';

/** Built-in type OIDs (fixed in every PostgreSQL): their name as format_type prints it, and the family each one hashes in. */
const BUILTIN: ReadonlyMap<number, { name: string; family: HashFamily }> = new Map(
  (
    [
      [20, 'bigint', 'integer'],
      [21, 'smallint', 'integer'],
      [23, 'integer', 'integer'],
      [1700, 'numeric', 'numeric'],
      [700, 'real', 'float'],
      [701, 'double precision', 'float'],
      [25, 'text', 'text'],
      [1043, 'character varying', 'text'],
      [1042, 'character', 'text'],
      [19, 'name', 'text'],
      [705, 'unknown', 'text'],
      [16, 'boolean', 'bool'],
      [1082, 'date', 'date'],
      [1114, 'timestamp without time zone', 'timestamp'],
      [1184, 'timestamp with time zone', 'timestamptz'],
      [1083, 'time without time zone', 'time'],
      [1266, 'time with time zone', 'timetz'],
      [1186, 'interval', 'interval'],
      [2950, 'uuid', 'uuid'],
      [3802, 'jsonb', 'jsonb'],
      [114, 'json', 'jsonb'],
    ] as const
  ).map(([oid, name, family]) => [oid, { name, family }]),
);

/** A built-in type with a typed hash, by OID (a domain must be resolved to its base type first), or undefined. */
export function builtinType(typeOid: number): { name: string; family: HashFamily } | undefined {
  return BUILTIN.get(typeOid);
}

/** The family a type OID hashes in (a domain is resolved to its base type first), or undefined. */
export function familyOf(typeOid: number): HashFamily | undefined {
  return BUILTIN.get(typeOid)?.family;
}

/**
 * SQL hashing `expr` (of the family) to an int8 with `seed`. Integers are widened to int8 and
 * floats to float8 (exact), so the widths cannot differ between sides. Date and time zones: a
 * timestamptz is hashed as its UTC time, whatever the session's TimeZone; a date through
 * timestamp, which keeps ±infinity (date subtraction would fail on them).
 */
export function hashSql(family: HashFamily, expr: string, seed: string): string {
  switch (family) {
    case 'integer':
      return `hashint8extended((${expr})::int8, ${seed})`;
    case 'numeric':
      return `hash_numeric_extended((${expr})::numeric, ${seed})`;
    case 'float':
      return `hashfloat8extended((${expr})::float8, ${seed})`;
    case 'text':
      return `hashtextextended((${expr})::text collate "C", ${seed})`;
    case 'bool':
      return `hashint4extended((${expr})::int4, ${seed})`;
    case 'date':
      return `timestamp_hash_extended((${expr})::timestamp, ${seed})`;
    case 'timestamp':
      return `timestamp_hash_extended(${expr}, ${seed})`;
    case 'timestamptz':
      return `timestamp_hash_extended((${expr}) at time zone 'UTC', ${seed})`;
    case 'time':
      return `time_hash_extended(${expr}, ${seed})`;
    case 'timetz':
      return `timetz_hash_extended(${expr}, ${seed})`;
    case 'interval':
      return `interval_hash_extended(${expr}, ${seed})`;
    case 'uuid':
      return `uuid_hash_extended(${expr}, ${seed})`;
    case 'jsonb':
      return `jsonb_hash_extended((${expr})::jsonb, ${seed})`;
  }
}

/** A column as one configured query returns it. */
export interface ColumnType {
  /** The configured query's name, for errors ("processedKeysQuery"). */
  query: string;
  /** format_type of the column's type (its base type for a domain), for errors. */
  typeName: string;
  family: HashFamily | undefined;
}

/**
 * The family a value column is hashed in, given its type in every query that returns it. Every
 * query must agree, except that integers beside numerics are hashed as numerics (exact); any
 * other mix is a configuration error naming the column, both queries and both types, so that a
 * double on one side and a numeric on the other can never compare unequal silently, nor equal
 * by an implicit rounding.
 */
export function valueFamily(column: string, types: readonly ColumnType[]): HashFamily {
  for (const t of types) {
    if (!t.family) {
      throw new HarnessError(`value column ${column} has type ${t.typeName} in ${t.query}, which has no typed hash here; cast it in the query (to text, numeric, bigint, …)`);
    }
  }
  const families = new Set(types.map((t) => t.family!));
  if (families.size === 1) return [...families][0]!;
  if (families.size === 2 && families.has('integer') && families.has('numeric')) return 'numeric';
  const first = types[0]!;
  const other = types.find((t) => t.family !== first.family)!;
  throw new HarnessError(
    `value column ${column} is ${first.typeName} in ${first.query} but ${other.typeName} in ${other.query}; cast one of them in its query so that both return the same type`,
  );
}

/** How keys are compared: as int8 when every query returns an integer key, otherwise as text. */
export type KeyFamily = 'integer' | 'text';

/**
 * Keys are hashed as integers only when every query's key is an integer; any other mix is hashed
 * as text (byte-wise), so that a bigint id on one side matches the same id stored as text on the
 * other. (Numeric keys therefore compare by their text: 1.50 and 1.5 are two keys.)
 */
export function keyFamily(types: readonly ColumnType[]): KeyFamily {
  return types.length > 0 && types.every((t) => t.family === 'integer') ? 'integer' : 'text';
}

/** The key as compared, from the column expression: int8, or text with byte-wise collation. */
export function keySql(family: KeyFamily, expr: string): string {
  return family === 'integer' ? `(${expr})::int8` : `((${expr})::text collate "C")`;
}
