import { z } from 'zod';

/**
 * Where a pipeline's KPIs are read from. Users' pipelines are not the reference one, so this is
 * configuration: an SQL query over the KPI history table, or a folder of parquet outputs with a
 * mapping of their column names. String fields may hold placeholders such as `{{outputDir}}`; the
 * caller fills them (see readKpis' `fill`) once the drill knows its folders and DSNs.
 */
const sqlKpiSourceSchema = z
  .strictObject({
    kind: z.literal('sql'),
    query: z.string().trim().min(1, 'the KPI query cannot be empty').describe("Must return columns named as_of (date, timestamp or 'YYYY-MM-DD…' text), segment, kpi, value."),
  })
  .describe('An SQL query over the KPI history table, run on the drill database.');

const columnName = z.string().min(1, 'a column name cannot be empty');

const parquetKpiSourceSchema = z
  .strictObject({
    kind: z.literal('parquet'),
    dir: z.string().min(1, 'the parquet folder cannot be empty').describe('Read recursively; for the reference pipeline `{{outputDir}}/metrics`.'),
    extension: z.literal('.parquet').optional().describe('Only files ending with it are read; `.parquet` when omitted.'),
    columns: z
      .strictObject({
        asOf: columnName.describe('The column holding the as-of date.'),
        segment: columnName.describe('The column holding the segment.'),
        kpi: columnName.describe("The column holding the KPI's name."),
        value: columnName.describe('The column holding the value.'),
      })
      .describe("The file's column holding each KPI point field."),
  })
  .describe('A folder of parquet outputs with a mapping of their column names.');

export const kpiSourceSchema = z.discriminatedUnion('kind', [sqlKpiSourceSchema, parquetKpiSourceSchema]);

export type KpiSource = z.infer<typeof kpiSourceSchema>;
export type SqlKpiSource = z.infer<typeof sqlKpiSourceSchema>;
export type ParquetKpiSource = z.infer<typeof parquetKpiSourceSchema>;
