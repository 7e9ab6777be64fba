import { HarnessError } from '../errors.ts';

/**
 * A configured query, ready to be wrapped as `select … from ${subquery(q)} as alias`. The harness
 * aggregates over users' queries in the database rather than fetching their rows, so each one is
 * nested as a derived table: trailing semicolons would end the statement early, and a trailing
 * `-- comment` would swallow the closing parenthesis, hence the strip and the newlines.
 * `what` names the query in errors ("sourceKeysQuery").
 */
export function subquery(sql: string, what: string): string {
  const body = sql
    .trim()
    .replace(/(\s*;)+$/, '')
    .trim();
  if (body.length === 0) throw new HarnessError(`${what} is empty`);
  // Two statements cannot be nested; Postgres would say "syntax error at or near ;" without naming the query.
  if (/;\s*\S/.test(stripLiterals(body))) throw new HarnessError(`${what} must be a single query (found a ';' inside it)`);
  return `(\n${body}\n)`;
}

// Semicolons inside string literals, quoted identifiers or comments are not statement ends.
function stripLiterals(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '');
}
