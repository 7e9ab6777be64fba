import { z } from 'zod';

/**
 * How the harness talks to one pipeline version: how it is started (a command), how its health is
 * judged, and how "run a KPI calculation" is done. Nothing here assumes the reference pipeline's
 * protocol: each is a kind, and every kind has a timeout and errors that name it.
 */

export const commandSchema = z.strictObject({
  /** Program to run. Arguments are passed as an array, never through a shell. */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Relative to the config file's folder. */
  cwd: z.string().optional(),
  /** Values may use the placeholders ({{databaseUrl}}, {{outputDir}}, …). */
  env: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().positive().default(120_000),
});

/** A command run where the version runs (its folder, container, host or task), with its environment. */
const execSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Added to the version's own environment; placeholders allowed. */
  env: z.record(z.string(), z.string()).default({}),
});

const statusCode = z.number().int().min(100).max(599);

/** A JSON answer's field, by dotted path (`lastRun.status`, `items.0.id`). */
const jsonPath = z.string().regex(/^[^.\s][^\s]*$/, 'a dotted path such as lastRun.status');

const httpHealthSchema = z.strictObject({
  kind: z.literal('http'),
  path: z.string().startsWith('/').default('/health'),
  /** Statuses that mean healthy; any 2xx when omitted. */
  statuses: z.array(statusCode).min(1).optional(),
  /** Healthy only when the JSON answer's field at `path` equals `equals` (or matches the regular expression `matches`). */
  json: z
    .strictObject({ path: jsonPath, equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(), matches: z.string().optional() })
    .refine((j) => (j.equals === undefined) !== (j.matches === undefined), { message: 'give exactly one of equals or matches' })
    .optional(),
});

const commandHealthSchema = execSchema.extend({
  kind: z.literal('command'),
  /** One probe's limit; a probe that takes longer is unhealthy. */
  probeTimeoutMs: z.number().int().positive().default(5000),
});

const tcpHealthSchema = z.strictObject({
  /** Healthy when the version's port ({{port}}, as the target publishes it) accepts a TCP connection. */
  kind: z.literal('tcp'),
});

const systemdHealthSchema = z.strictObject({
  /** ssh-systemd only: healthy when the unit's ActiveState is `active`. */
  kind: z.literal('systemd'),
});

export const healthSchema = z.discriminatedUnion('kind', [httpHealthSchema, commandHealthSchema, tcpHealthSchema, systemdHealthSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? "unknown health kind: use 'http', 'command', 'tcp' or 'systemd'" : undefined),
});

const httpAsyncRunSchema = z.strictObject({
  /** POST starts a run and answers JSON carrying its id; GET on the status path reports it until done. */
  kind: z.literal('http-async'),
  triggerPath: z.string().startsWith('/').default('/runs'),
  /** Where the trigger's JSON answer carries the run id. */
  runIdField: jsonPath.default('runId'),
  /** `{runId}` is replaced by the id. */
  statusPath: z.string().startsWith('/').default('/runs/{runId}'),
  statusField: jsonPath.default('status'),
  /** Status values that mean "still going"; anything else ends the wait. */
  runningValues: z.array(z.string()).min(1).default(['running', 'pending', 'queued']),
  succeededValues: z.array(z.string()).min(1).default(['succeeded']),
  timeoutMs: z.number().int().positive().default(120_000),
});

const httpSyncRunSchema = z.strictObject({
  /** One request; the run is done when it answers. */
  kind: z.literal('http-sync'),
  method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
  path: z.string().startsWith('/'),
  /** A JSON body to send (placeholders are not filled inside it). */
  body: z.unknown().optional(),
  /** Statuses that mean the run succeeded; any 2xx when omitted. */
  statuses: z.array(statusCode).min(1).optional(),
  /** Where the JSON answer carries a run id, if it has one. */
  runIdField: jsonPath.optional(),
  /** Where the JSON answer carries the number of rows the run wrote, if it says. */
  rowsField: jsonPath.optional(),
  timeoutMs: z.number().int().positive().default(120_000),
});

const commandRunSchema = execSchema.extend({
  /** A run is a command, run where the version runs; exit 0 = success. */
  kind: z.literal('command'),
  timeoutMs: z.number().int().positive().default(120_000),
});

const watermarkRunSchema = z.strictObject({
  /**
   * The version runs on its own schedule; a run is done when this query's single value advances past
   * what it was when the harness started waiting (e.g. `select max(finished_at) from etl.runs`).
   */
  kind: z.literal('watermark'),
  query: z.string().trim().min(1),
  /** How often the query is asked. */
  intervalMs: z.number().int().positive().default(250),
  timeoutMs: z.number().int().positive().default(120_000),
});

const noRunSchema = z.strictObject({
  /** The version cannot be asked to run: the checks that need a run say what they used instead. */
  kind: z.literal('none'),
  reason: z.string().trim().min(1, 'say why the version has no run trigger'),
});

export const runSchema = z.discriminatedUnion('kind', [httpAsyncRunSchema, httpSyncRunSchema, commandRunSchema, watermarkRunSchema, noRunSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? "unknown run protocol: use 'http-async', 'http-sync', 'command', 'watermark' or 'none'" : undefined),
});

export const serviceSchema = commandSchema.extend({
  /** A dotenv file loaded into the service's environment (the runbook's `source v1-pipeline.env`). */
  envFile: z.string().optional(),
  /** Variables of the harness's own environment passed through (e.g. a fault switch). */
  passEnv: z.array(z.string()).default([]),
  /** Files that must exist before the service is started (the runbook's "verify V1 binaries"). */
  requiredFiles: z.array(z.string()).default([]),
  health: healthSchema,
  healthTimeoutMs: z.number().int().positive().default(30_000),
  /** Prometheus text endpoint scraped during the drill and kept as evidence (none when absent). */
  metricsPath: z.string().startsWith('/').optional(),
  metricsIntervalMs: z.number().int().positive().default(500),
  stopGraceMs: z.number().int().nonnegative().default(10_000),
  run: runSchema,
});

export type CommandConfig = z.output<typeof commandSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type HealthConfig = z.output<typeof healthSchema>;
export type RunConfig = z.output<typeof runSchema>;
export type RunKind = RunConfig['kind'];
