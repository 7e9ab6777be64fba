import type { KpiPoint } from './kpi-compare.ts';
import { HarnessError } from '../errors.ts';
import type { KpiSource } from './kpi-source-schema.ts';
import type { KpiFilter } from './normalise.ts';
import { readParquetKpis } from './read-parquet-kpis.ts';
import { readSqlKpis } from './read-sql-kpis.ts';

export type { KpiFilter } from './normalise.ts';

export interface ReadKpisOptions {
  /** DSN the SQL source runs on (unused by parquet). Secret: it never appears in an error. */
  dsn?: string;
  /** Fills placeholders such as `{{outputDir}}` in the source's strings; identity when omitted. */
  fill?: (text: string) => string;
  /**
   * Keeps only rows whose column equals the value as text, e.g. `{ run_id: 'v2-…' }` to read one
   * run. Columns are the query's result columns (SQL) or the file's columns (parquet), before
   * mapping; for parquet the filter is applied before newer files supersede older ones.
   */
  where?: KpiFilter;
}

/** The KPI points a source holds now. One switch over the kinds; an unknown kind names itself. */
export async function readKpis(source: KpiSource, options: ReadKpisOptions = {}): Promise<KpiPoint[]> {
  const fill = options.fill ?? ((text: string) => text);
  switch (source.kind) {
    case 'sql': {
      if (!options.dsn) throw new HarnessError('an SQL KPI source needs a DSN to run its query on');
      return readSqlKpis(options.dsn, fill(source.query), options.where);
    }
    case 'parquet': {
      const columns = {
        asOf: fill(source.columns.asOf),
        segment: fill(source.columns.segment),
        kpi: fill(source.columns.kpi),
        value: fill(source.columns.value),
      };
      return readParquetKpis(fill(source.dir), columns, { extension: source.extension ?? '.parquet', filter: options.where ?? {} });
    }
    default:
      throw new HarnessError(`no KPI source of kind '${(source as { kind?: unknown }).kind}' (expected 'sql' or 'parquet')`);
  }
}
