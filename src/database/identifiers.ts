import { HarnessError } from '../errors.ts';

/** A table named by its schema and its name, both exactly as stored in the catalog. */
export interface QualifiedName {
  schema: string;
  name: string;
}

/**
 * Quotes an identifier for SQL. Always quoting (rather than only when needed) means a table
 * called `user` or `Loans` can never be mistaken for a keyword or folded to lower case.
 */
export function quoteIdent(identifier: string): string {
  if (identifier.length === 0) throw new HarnessError('an SQL identifier cannot be empty');
  if (identifier.includes('\0')) throw new HarnessError('an SQL identifier cannot contain a NUL character');
  return `"${identifier.replaceAll('"', '""')}"`;
}

export function quoteQualified(name: QualifiedName): string {
  return `${quoteIdent(name.schema)}.${quoteIdent(name.name)}`;
}

/**
 * Parses `schema.table` as PostgreSQL reads it: unquoted parts fold to lower case, quoted parts
 * are kept as written (`"My.Schema"."Loans"`). The schema is required: a fingerprint that
 * depended on the session's search_path could compare two different tables without noticing.
 */
export function parseQualifiedName(text: string): QualifiedName {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new HarnessError(`table name ${JSON.stringify(text)} has an unterminated quote`);
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        }
        part += text[i++];
      }
      i++;
      if (part.length === 0) throw new HarnessError(`table name ${JSON.stringify(text)} has an empty quoted part`);
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i));
      if (!match) throw new HarnessError(`table name ${JSON.stringify(text)} is not of the form schema.table`);
      part = match[0].toLowerCase();
      i += match[0].length;
    }
    parts.push(part);
    if (i === text.length) break;
    if (text[i] !== '.') throw new HarnessError(`table name ${JSON.stringify(text)} is not of the form schema.table`);
    i++;
  }
  if (parts.length !== 2) throw new HarnessError(`table name ${JSON.stringify(text)} must be schema.table (got ${parts.length} part${parts.length === 1 ? '' : 's'})`);
  return { schema: parts[0]!, name: parts[1]! };
}

/**
 * The printable `schema.table` key used in fingerprints and reports. Parts are quoted only when
 * reading them back unquoted would give another name, so parseQualifiedName(format(x)) equals x.
 */
export function formatQualifiedName(name: QualifiedName): string {
  const part = (p: string) => (/^[a-z_][a-z0-9_$]*$/.test(p) ? p : quoteIdent(p));
  return `${part(name.schema)}.${part(name.name)}`;
}
