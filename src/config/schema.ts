import { z } from 'zod';

/**
 * The configuration schema. Strict objects everywhere: an unknown or misspelt key is an error
 * naming its path, not a silently ignored setting.
 */

const commandSchema = z.strictObject({
  /** Program to run. Arguments are passed as an array, never through a shell. */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Relative to the config file's folder. */
  cwd: z.string().optional(),
  /** Values may use {{databaseUrl}}, {{port}}, {{outputDir}}, {{runDir}}. */
  env: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().positive().default(120_000),
});

const runProtocolSchema = z.strictObject({
  /** POST here starts a KPI run; the JSON answer carries `runId`. */
  triggerPath: z.string().startsWith('/').default('/runs'),
  /** GET here reports `{ status: 'running' | 'succeeded' | 'failed' }`; `{runId}` is replaced. */
  statusPath: z.string().startsWith('/').default('/runs/{runId}'),
  timeoutMs: z.number().int().positive().default(120_000),
});

const serviceSchema = commandSchema.extend({
  /** A dotenv file loaded into the service's environment (the runbook's `source v1-pipeline.env`). */
  envFile: z.string().optional(),
  /** Variables of the harness's own environment passed through (e.g. ABACO_V2_FAULTS). */
  passEnv: z.array(z.string()).default([]),
  /** Files that must exist before the service is started (the runbook's "verify V1 binaries"). */
  requiredFiles: z.array(z.string()).default([]),
  healthPath: z.string().startsWith('/').default('/health'),
  healthTimeoutMs: z.number().int().positive().default(30_000),
  stopGraceMs: z.number().int().nonnegative().default(10_000),
  run: runProtocolSchema.prefault({}),
});

const processTargetSchema = z.strictObject({
  kind: z.literal('process'),
});

export const targetKinds = ['process'] as const;

const targetSchema = z.discriminatedUnion('kind', [processTargetSchema]);

const databaseSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** The harness starts its own PostgreSQL in a temporary folder and removes it at the end. */
    kind: z.literal('ephemeral'),
  }),
  z.strictObject({
    /** An existing server. Prefer `dsnEnv` so the password stays out of the config file. */
    kind: z.literal('dsn'),
    dsn: z.string().optional(),
    dsnEnv: z.string().optional(),
  }),
]);

const validationSchema = z.strictObject({
  /** SQL returning one row with a numeric first column: rows written by the run `$1`. */
  kpiRowsQuery: z.string().min(1),
  /** Folder (placeholders allowed) where the pipeline writes its output files. */
  outputsDir: z.string().min(1),
  outputsExtension: z.string().default('.parquet'),
});

const budgetsSchema = z.strictObject({
  rollbackMs: z.number().int().positive().default(300_000),
  /** Optional per-step budgets, by step id (stop-v2, capture-v2-logs, restore-v1-config, …). */
  steps: z.record(z.string(), z.number().int().positive()).default({}),
});

const environmentSchema = z.strictObject({
  target: targetSchema,
  database: databaseSchema.prefault({ kind: 'ephemeral' }),
  /** Commands run once per test against a fresh database, before V2 is deployed (seed the source). */
  setup: z.array(commandSchema).default([]),
  v1: serviceSchema,
  v2: serviceSchema,
  validation: validationSchema,
  budgets: budgetsSchema.prefault({}),
});

export const configSchema = z.strictObject({
  environments: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'environment names are letters, digits, - and _'), environmentSchema),
});

export type ConfigInput = z.input<typeof configSchema>;
export type DrillConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type CommandConfig = z.output<typeof commandSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type TargetKind = TargetConfig['kind'];
export type DatabaseConfig = z.output<typeof databaseSchema>;
