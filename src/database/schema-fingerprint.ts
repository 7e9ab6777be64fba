import { createHash } from 'node:crypto';
import { errorMessage } from '../errors.ts';
import { formatQualifiedName } from './identifiers.ts';
import { redactedFor, withSession, type Queryable } from './pg-session.ts';

export interface SchemaTable {
  /** `schema.table` */
  table: string;
  columns: Array<{ name: string; type: string; notNull: boolean; default: string | null; identity: string; generated: string }>;
  /** pg_get_constraintdef of each constraint, by name. */
  constraints: Array<{ name: string; definition: string }>;
  /** pg_get_indexdef of each index, by name. */
  indexes: Array<{ name: string; definition: string }>;
}

export interface SchemaFingerprint {
  /** sha256 of `description`. */
  hash: string;
  /** One line per table, column, constraint and index — readable, and diffable line by line. */
  description: string;
  tables: SchemaTable[];
}

/**
 * The shape of the given schemas — tables, columns (name, type, nullability, default),
 * constraints and indexes — as a stable hash plus a readable description, to prove "schema and
 * constraints unchanged". Column positions are left out on purpose: a restored or rewritten table
 * has no dropped-column gaps, which is not a change anyone cares about; the order is kept.
 * search_path is pinned to pg_catalog so every name the catalog prints is schema-qualified the
 * same way whatever the caller's path.
 */
export async function schemaFingerprint(dsn: string, options: { schemas: readonly string[] }): Promise<SchemaFingerprint> {
  try {
    const tables = await withSession(dsn, (client) => readTables(client, options.schemas), { search_path: 'pg_catalog' });
    const description = tables.map(describeTable).join('\n');
    return { hash: createHash('sha256').update(description).digest('hex'), description, tables };
  } catch (error) {
    throw new Error(redactedFor(dsn, `schema fingerprint of ${options.schemas.join(', ')} failed: ${errorMessage(error)}`));
  }
}

async function readTables(client: Queryable, schemas: readonly string[]): Promise<SchemaTable[]> {
  const tableRows = await client.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[])
      order by n.nspname collate "C", c.relname collate "C"`,
    [schemas],
  );
  const tables = new Map<string, SchemaTable>();
  for (const row of tableRows.rows) {
    const table = formatQualifiedName(row);
    tables.set(`${row.schema}\0${row.name}`, { table, columns: [], constraints: [], indexes: [] });
  }
  const of = (row: { schema: string; name: string }) => tables.get(`${row.schema}\0${row.name}`);

  const columns = await client.query<{
    schema: string;
    name: string;
    column: string;
    type: string;
    not_null: boolean;
    default: string | null;
    identity: string;
    generated: string;
  }>(
    `select n.nspname as schema, c.relname as name, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
            a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as default, a.attidentity::text as identity, a.attgenerated::text as generated
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and a.attnum > 0 and not a.attisdropped
      order by n.nspname collate "C", c.relname collate "C", a.attnum`,
    [schemas],
  );
  for (const r of columns.rows) {
    of(r)?.columns.push({ name: r.column, type: r.type, notNull: r.not_null, default: r.default, identity: r.identity, generated: r.generated });
  }

  const constraints = await client.query<{ schema: string; name: string; constraint: string; definition: string }>(
    `select n.nspname as schema, c.relname as name, k.conname as constraint, pg_get_constraintdef(k.oid, true) as definition
       from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[])
      order by n.nspname collate "C", c.relname collate "C", k.conname collate "C"`,
    [schemas],
  );
  for (const r of constraints.rows) of(r)?.constraints.push({ name: r.constraint, definition: r.definition });

  const indexes = await client.query<{ schema: string; name: string; index: string; definition: string }>(
    `select n.nspname as schema, c.relname as name, i.relname as index, pg_get_indexdef(i.oid) as definition
       from pg_index x join pg_class i on i.oid = x.indexrelid
       join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[])
      order by n.nspname collate "C", c.relname collate "C", i.relname collate "C"`,
    [schemas],
  );
  for (const r of indexes.rows) of(r)?.indexes.push({ name: r.index, definition: r.definition });

  return [...tables.values()];
}

function describeTable(t: SchemaTable): string {
  const lines = [`table ${t.table}`];
  for (const c of t.columns) {
    const parts = [`  column ${c.name} ${c.type}`];
    if (c.notNull) parts.push('not null');
    if (c.identity) parts.push(`identity ${c.identity === 'a' ? 'always' : 'by default'}`);
    if (c.default !== null) parts.push(`${c.generated ? 'generated always as' : 'default'} ${c.default}`);
    lines.push(parts.join(' '));
  }
  for (const k of t.constraints) lines.push(`  constraint ${k.name}: ${k.definition}`);
  for (const i of t.indexes) lines.push(`  index ${i.name}: ${i.definition}`);
  return lines.join('\n');
}
