import { z } from 'zod';

/**
 * How the harness talks to one pipeline version: how it is started (a command), how its health is
 * judged, and how "run a KPI calculation" is done. Nothing here assumes the reference pipeline's
 * protocol: each is a kind, and every kind has a timeout and errors that name it.
 */

export const commandSchema = z.strictObject({
  command: z.string().min(1).describe('Program to run. Arguments are passed as an array, never through a shell.'),
  args: z.array(z.string()).default([]).describe('Its arguments; placeholders allowed.'),
  cwd: z.string().optional().describe("Relative to the config file's folder."),
  env: z.record(z.string(), z.string()).default({}).describe('Values may use the placeholders ({{databaseUrl}}, {{outputDir}}, …).'),
  timeoutMs: z.number().int().positive().default(120_000).describe('A setup, cutover or failure command is killed after this long.'),
});

/** A command run where the version runs (its folder, container, host or task), with its environment. */
const execSchema = z.strictObject({
  command: z.string().min(1).describe('Program to run where the version runs; never through a shell.'),
  args: z.array(z.string()).default([]).describe('Its arguments.'),
  env: z.record(z.string(), z.string()).default({}).describe("Added to the version's own environment; placeholders allowed."),
});

const statusCode = z.number().int().min(100).max(599);

/** A JSON answer's field, by dotted path (`lastRun.status`, `items.0.id`). */
const jsonPath = z.string().regex(/^[^.\s][^\s]*$/, 'a dotted path such as lastRun.status');

const httpHealthSchema = z
  .strictObject({
    kind: z.literal('http'),
    path: z.string().startsWith('/').default('/health').describe("GET this path on the version's address."),
    statuses: z.array(statusCode).min(1).optional().describe('Statuses that mean healthy; any 2xx when omitted.'),
    json: z
      .strictObject({
        path: jsonPath.describe("The JSON answer's field, by dotted path (`lastRun.status`, `items.0.id`)."),
        equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional().describe('The value it must equal.'),
        matches: z.string().optional().describe('A regular expression it must match (instead of `equals`).'),
      })
      .refine((j) => (j.equals === undefined) !== (j.matches === undefined), { message: 'give exactly one of equals or matches' })
      .optional()
      .describe("Healthy only when the JSON answer's field at `path` equals `equals` (or matches the regular expression `matches`)."),
  })
  .describe('Healthy when GET <path> answers one of `statuses` (and, with `json`, a field of its JSON answer says so).');

const commandHealthSchema = execSchema
  .extend({
    kind: z.literal('command'),
    probeTimeoutMs: z.number().int().positive().default(5000).describe("One probe's limit; a probe that takes longer is unhealthy."),
  })
  .describe('Healthy when this command, run where the version runs, exits 0.');

const tcpHealthSchema = z.strictObject({ kind: z.literal('tcp') }).describe("Healthy when the version's port ({{port}}, as the target publishes it) accepts a TCP connection.");

const systemdHealthSchema = z.strictObject({ kind: z.literal('systemd') }).describe("ssh-systemd only: healthy when the unit's ActiveState is `active`.");

export const healthSchema = z.discriminatedUnion('kind', [httpHealthSchema, commandHealthSchema, tcpHealthSchema, systemdHealthSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? "unknown health kind: use 'http', 'command', 'tcp' or 'systemd'" : undefined),
});

const runTimeoutMs = z.number().int().positive().default(120_000).describe('How long one run may take.');

const httpAsyncRunSchema = z
  .strictObject({
    kind: z.literal('http-async'),
    triggerPath: z.string().startsWith('/').default('/runs').describe('POST here starts a run.'),
    runIdField: jsonPath.default('runId').describe("Where the trigger's JSON answer carries the run id."),
    statusPath: z.string().startsWith('/').default('/runs/{runId}').describe('GET here reports the run; `{runId}` is replaced by the id.'),
    statusField: jsonPath.default('status').describe("Where the status answer's JSON carries the run's status."),
    runningValues: z.array(z.string()).min(1).default(['running', 'pending', 'queued']).describe('Status values that mean "still going"; anything else ends the wait.'),
    succeededValues: z.array(z.string()).min(1).default(['succeeded']).describe('Status values that mean the run succeeded.'),
    timeoutMs: runTimeoutMs,
  })
  .describe('POST starts a run and answers JSON carrying its id; GET on the status path reports it until done.');

const httpSyncRunSchema = z
  .strictObject({
    kind: z.literal('http-sync'),
    method: z.enum(['POST', 'PUT', 'GET']).default('POST').describe("The request's method."),
    path: z.string().startsWith('/').describe('The request that runs it.'),
    body: z.unknown().optional().describe('A JSON body to send (placeholders are not filled inside it).'),
    statuses: z.array(statusCode).min(1).optional().describe('Statuses that mean the run succeeded; any 2xx when omitted.'),
    runIdField: jsonPath.optional().describe('Where the JSON answer carries a run id, if it has one.'),
    rowsField: jsonPath.optional().describe('Where the JSON answer carries the number of rows the run wrote, if it says.'),
    timeoutMs: runTimeoutMs,
  })
  .describe('One request; the run is done when it answers.');

const commandRunSchema = execSchema.extend({ kind: z.literal('command'), timeoutMs: runTimeoutMs }).describe('A run is a command, run where the version runs; exit 0 = success.');

const watermarkRunSchema = z
  .strictObject({
    kind: z.literal('watermark'),
    query: z.string().trim().min(1).describe('SQL answering one value that advances with each completed run; may use {{runStartedAt}}.'),
    intervalMs: z.number().int().positive().default(250).describe('How often the query is asked.'),
    timeoutMs: runTimeoutMs,
  })
  .describe(
    "The version runs on its own schedule; a run is done when this query's single value advances past what it was when the harness started waiting (e.g. `select max(finished_at) from etl.runs`).",
  );

const noRunSchema = z
  .strictObject({
    kind: z.literal('none'),
    reason: z.string().trim().min(1, 'say why the version has no run trigger').describe('Why the version has no run trigger (shown where a check used something else).'),
  })
  .describe('The version cannot be asked to run: the checks that need a run say what they used instead.');

export const runSchema = z.discriminatedUnion('kind', [httpAsyncRunSchema, httpSyncRunSchema, commandRunSchema, watermarkRunSchema, noRunSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? "unknown run protocol: use 'http-async', 'http-sync', 'command', 'watermark' or 'none'" : undefined),
});

export const serviceSchema = commandSchema.extend({
  timeoutMs: commandSchema.shape.timeoutMs.describe('Not used for a service: its runs have `run.timeoutMs`, its start `healthTimeoutMs`.'),
  envFile: z
    .string()
    .optional()
    .describe(
      "A dotenv file of pre-staged settings, loaded into the environment when the rollback restores the version (the runbook's `source v1-pipeline.env`): V1's. A version run from scratch on a second database reads it too.",
    ),
  passEnv: z.array(z.string()).default([]).describe("Variables of the harness's own environment passed through (e.g. a fault switch)."),
  requiredFiles: z
    .array(z.string())
    .default([])
    .describe("Files that must exist when the rollback restores the version (the runbook's \"verify V1 binaries\"): V1's. Relative to the config file's folder."),
  health: healthSchema.describe("How the version's health is judged."),
  healthTimeoutMs: z.number().int().positive().default(30_000).describe('How long the version may take to pass its health check after a start.'),
  metricsPath: z.string().startsWith('/').optional().describe('Prometheus text endpoint scraped during the drill and kept as evidence (none when absent).'),
  metricsIntervalMs: z.number().int().positive().default(500).describe('How often `metricsPath` is scraped.'),
  stopGraceMs: z.number().int().nonnegative().default(10_000).describe("Time between the graceful stop (SIGTERM or the target's equivalent) and the kill."),
  run: runSchema.describe('How "run a KPI calculation" is done.'),
});

export type CommandConfig = z.output<typeof commandSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type HealthConfig = z.output<typeof healthSchema>;
export type RunConfig = z.output<typeof runSchema>;
export type RunKind = RunConfig['kind'];
