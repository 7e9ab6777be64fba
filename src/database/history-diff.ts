/** One row of the history query as exported: column → JSON value (Postgres' to_json of the row). */
export type HistoryRow = Record<string, unknown>;

export interface ChangedRow {
  /** The row's key columns, as text. */
  key: Record<string, string>;
  /** The row before the rollback; null when the row was added since. */
  before: HistoryRow | null;
  /** The row now; null when the row was removed since. */
  after: HistoryRow | null;
}

/** Stands for a null period or key value, so that it still has a name in reports. */
export const nullText = '(null)';

/**
 * The text of a JSON value as Postgres prints `to_json(v) #>> '{}'`: the same period name whether
 * it was computed in SQL (the snapshot) or from an exported row (here). Dates arrive as
 * 'YYYY-MM-DD' because to_json uses ISO dates whatever the DateStyle.
 */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return nullText;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Rows added, removed or changed between `before` and `after`, matched by the key columns and
 * compared as whole rows (column order aside). Keys that repeat are matched as multisets, so a
 * duplicated row shows as added rather than vanishing. Sorted by key, in code-unit order.
 */
export function diffHistoryRows(before: readonly HistoryRow[], after: readonly HistoryRow[], keyColumns: readonly string[]): ChangedRow[] {
  const keyOf = (row: HistoryRow) => JSON.stringify(keyColumns.map((column) => valueText(row[column])));
  const group = (rows: readonly HistoryRow[]) => {
    const byKey = new Map<string, HistoryRow[]>();
    for (const row of rows) {
      const id = keyOf(row);
      const list = byKey.get(id);
      if (list) list.push(row);
      else byKey.set(id, [row]);
    }
    return byKey;
  };
  const beforeByKey = group(before);
  const afterByKey = group(after);
  const ids = [...new Set([...beforeByKey.keys(), ...afterByKey.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const changes: ChangedRow[] = [];
  for (const id of ids) {
    const removed = [...(beforeByKey.get(id) ?? [])];
    const added: HistoryRow[] = [];
    for (const row of afterByKey.get(id) ?? []) {
      const same = removed.findIndex((candidate) => canonical(candidate) === canonical(row));
      if (same >= 0) removed.splice(same, 1);
      else added.push(row);
    }
    const names = JSON.parse(id) as string[];
    const key = Object.fromEntries(keyColumns.map((column, i) => [column, names[i]!]));
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      changes.push({ key, before: removed[i] ?? null, after: added[i] ?? null });
    }
  }
  return changes;
}

/** JSON with object keys sorted, so two rows with the same values compare equal whatever their column order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
