import type pg from 'pg';
import type { Queryable } from './pg-session.ts';

export interface CountingQueryable extends Queryable {
  /** Rows received from the server so far, over every query. */
  readonly rowsFetched: number;
  readonly queries: number;
}

/**
 * Wraps a client so that the rows it brings into Node are counted. "Computed in the database"
 * (docs/checks.md) is a claim about what crosses the wire; this makes it a number the result (and a
 * test) can state.
 */
export function countingQueryable(inner: Queryable): CountingQueryable {
  let rowsFetched = 0;
  let queries = 0;
  return {
    get rowsFetched() {
      return rowsFetched;
    },
    get queries() {
      return queries;
    },
    async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
      const result = await inner.query<R>(text, values);
      queries += 1;
      rowsFetched += result.rows?.length ?? 0;
      return result;
    },
  };
}
