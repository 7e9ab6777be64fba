import { z } from 'zod';

/**
 * Where a pipeline's KPIs are read from. Users' pipelines are not the reference one, so this is
 * configuration: an SQL query over the KPI history table, or a folder of parquet outputs with a
 * mapping of their column names. String fields may hold placeholders such as `{{outputDir}}`; the
 * caller fills them (see readKpis' `fill`) once the drill knows its folders and DSNs.
 */
const sqlKpiSourceSchema = z.strictObject({
  kind: z.literal('sql'),
  /** Must return columns named as_of (date, timestamp or 'YYYY-MM-DD…' text), segment, kpi, value. */
  query: z.string().trim().min(1, 'the KPI query cannot be empty'),
});

const columnName = z.string().min(1, 'a column name cannot be empty');

const parquetKpiSourceSchema = z.strictObject({
  kind: z.literal('parquet'),
  /** Read recursively; for the reference pipeline `{{outputDir}}/metrics`. */
  dir: z.string().min(1, 'the parquet folder cannot be empty'),
  /** Only files ending with it are read; `.parquet` when omitted. */
  extension: z.literal('.parquet').optional(),
  /** The file's column holding each KpiPoint field. */
  columns: z.strictObject({
    asOf: columnName,
    segment: columnName,
    kpi: columnName,
    value: columnName,
  }),
});

export const kpiSourceSchema = z.discriminatedUnion('kind', [sqlKpiSourceSchema, parquetKpiSourceSchema]);

export type KpiSource = z.infer<typeof kpiSourceSchema>;
export type SqlKpiSource = z.infer<typeof sqlKpiSourceSchema>;
export type ParquetKpiSource = z.infer<typeof parquetKpiSourceSchema>;
