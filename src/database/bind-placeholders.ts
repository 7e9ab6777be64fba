import { HarnessError } from '../errors.ts';

/** A value a query may name as {{name}}, sent as a bind parameter of the given SQL type, never spliced into the text. */
export interface BoundValue {
  value: unknown;
  /** The parameter's SQL type, so an untyped parameter never makes a comparison ambiguous: `timestamptz`, `text`, `text[]`. */
  type: string;
}

/**
 * Turns the {{name}} placeholders of a configured query into bind parameters ($1::type, …). A
 * placeholder the caller does not offer is a configuration error naming the query's setting and the
 * names it may use.
 */
export function bindPlaceholders(sql: string, offered: Record<string, BoundValue | undefined>, setting: string): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const index = new Map<string, number>();
  const text = sql.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_, name: string) => {
    const bound = offered[name];
    if (!bound) {
      const known = Object.entries(offered)
        .filter(([, v]) => v)
        .map(([k]) => `{{${k}}}`);
      throw new HarnessError(`${setting} uses {{${name}}}, which is not available there (available: ${known.join(', ') || 'none'})`);
    }
    if (!index.has(name)) {
      values.push(bound.value);
      index.set(name, values.length);
    }
    return `$${index.get(name)}::${bound.type}`;
  });
  return { text, values };
}

/** The {{names}} a query uses, for checks before anything starts. */
export function placeholdersIn(sql: string): string[] {
  return [...new Set([...sql.matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)].map((m) => m[1]!))];
}
