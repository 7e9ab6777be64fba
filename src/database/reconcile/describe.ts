import { HarnessError, errorMessage } from '../../errors.ts';
import type { Queryable } from '../pg-session.ts';
import { subquery } from '../subquery.ts';
import { builtinType, familyOf, keyFamily, valueFamily, type ColumnType } from './column-types.ts';
import type { HashPlan, PlannedQuery } from './summary-sql.ts';

/** A configured query's output columns: name → type. */
export interface DescribedQuery {
  query: PlannedQuery;
  columns: Map<string, Omit<ColumnType, 'query'>>;
}

/**
 * The output columns of a configured query and their types, from planning it with `limit 0` (no
 * row is read). An error here names the query, which the aggregates' errors cannot.
 */
export async function describeQuery(client: Queryable, query: PlannedQuery): Promise<DescribedQuery> {
  const result = await client.query(`select * from ${subquery(query.sql, query.what)} as src limit 0`).catch((error: unknown) => {
    throw new Error(`${query.what} failed: ${errorMessage(error)}`);
  });
  // Built-in types are known by their OID; others (a domain, an enum, an array) are looked up, once.
  const unknown = [...new Set(result.fields.map((f) => f.dataTypeID))].filter((oid) => !builtinType(oid));
  const looked =
    unknown.length === 0
      ? []
      : (
          await client.query<{ oid: number; base: number; name: string }>(
            `select t.oid::int as oid, coalesce(nullif(t.typbasetype, 0), t.oid)::int as base, format_type(coalesce(nullif(t.typbasetype, 0), t.oid), null) as name
       from pg_type t where t.oid = any($1::oid[])`,
            [unknown],
          )
        ).rows;
  const byOid = new Map(looked.map((r) => [r.oid, r]));
  const columns = new Map<string, Omit<ColumnType, 'query'>>();
  for (const field of result.fields) {
    const builtin = builtinType(field.dataTypeID);
    const type = byOid.get(field.dataTypeID);
    columns.set(
      field.name,
      builtin ? { typeName: builtin.name, family: builtin.family } : { typeName: type?.name ?? `type ${field.dataTypeID}`, family: familyOf(type?.base ?? field.dataTypeID) },
    );
  }
  return { query, columns };
}

/**
 * The hash plan of a comparison from every query's columns: each query must return `key`, and
 * each query that carries values must return every value column; a value column is hashed in the
 * one family all of its queries agree on (column-types.ts valueFamily). Configuration errors.
 */
export function planHashes(described: readonly DescribedQuery[], valueColumns: readonly string[]): HashPlan {
  const columnOf = (d: DescribedQuery, name: string): ColumnType => {
    const column = d.columns.get(name);
    if (!column) {
      throw new HarnessError(`${d.query.what} must return a column named ${name} (it returns: ${[...d.columns.keys()].join(', ') || 'nothing'})`);
    }
    return { ...column, query: d.query.what };
  };
  const key = keyFamily(described.map((d) => columnOf(d, 'key')));
  const withValues = described.filter((d) => d.query.values);
  const values = valueColumns.map((name) => ({
    name,
    family: valueFamily(
      name,
      withValues.map((d) => columnOf(d, name)),
    ),
  }));
  return { key, values };
}
