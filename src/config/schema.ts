import { z } from 'zod';
import { notificationsSchema } from '../notifications/notifications-schema.ts';
import { kpiSourceSchema } from '../kpis/kpi-source-schema.ts';
import { accountingSchema } from '../database/record-accounting.ts';
import { historySchema } from '../database/history.ts';
import { decisionSchema } from '../criteria/decision-schema.ts';
import { blobSchema } from '../blob/blob-schema.ts';
import { builtInTargetSchema } from '../targets/registry.ts';
import { commandSchema, serviceSchema } from './service-schema.ts';

/**
 * The configuration schema. Strict objects everywhere: an unknown or misspelt key is an error
 * naming its path, not a silently ignored setting.
 */

/** Each target's schema is its plugin's (src/targets/<kind>/index.ts); the union comes from the targets registry. */
const targetSchema = builtInTargetSchema;

const databaseSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('ephemeral') })
    .describe('The harness starts its own PostgreSQL (in a temporary folder, or a container on an engine target) and removes it at the end.'),
  z
    .strictObject({
      kind: z.literal('dsn'),
      dsn: z.string().optional().describe('A postgres:// URL. The password would sit in the file: prefer `dsnEnv`.'),
      dsnEnv: z.string().optional().describe('The environment variable holding the postgres:// URL.'),
    })
    .describe('An existing server. Prefer `dsnEnv` so the password stays out of the config file. The user needs CREATEDB: each test gets its own database, dropped at the end.'),
]);

const validationSchema = z.strictObject({
  kpiRows: z
    .strictObject({
      query: z.string().trim().min(1).describe('SQL answering one row whose first column is a number.'),
      measure: z
        .enum(['count', 'delta'])
        .default('count')
        .describe('`count`: the value is the rows the run wrote; `delta`: the value measures the whole set, the run wrote after − before.'),
    })
    .optional()
    .describe(
      'The KPI rows a run wrote, counted in the database: one row, numeric first column. The query may use {{runId}} (when the run protocol gives one) and {{runStartedAt}} (a timestamptz).',
    ),
  incremental: z.boolean().default(false).describe('A run with nothing new to do writes nothing: not a failure (the checks then look at the whole KPI set and say so).'),
  outputs: z
    .strictObject({
      dir: z.string().min(1).describe('Folder (placeholders allowed), searched recursively.'),
      format: z.enum(['parquet', 'csv', 'jsonl', 'non-empty']).describe('How each file is proven readable: decoded (parquet, csv, jsonl), or only present and non-empty.'),
      extension: z.string().optional().describe("Only files ending with it count; by default the format's own (.parquet, .csv, .jsonl; any file for non-empty)."),
    })
    .optional()
    .describe('Output files a run writes; absent when the pipeline writes none (waive v1-outputs-written then).'),
});

const budgetsSchema = z.strictObject({
  rollbackMs: z.number().int().positive().default(300_000).describe('The rollback window: "stop V2" issued → V1 healthy and its first KPI run validated.'),
  preRollbackMs: z.number().int().positive().default(120_000).describe('The runbook\'s pre-rollback checklist: "< 2 minutes".'),
  steps: z.record(z.string(), z.number().int().positive()).default({}).describe('Optional per-step budgets, by step id (stop-v2, capture-v2-logs, restore-v1-config, …).'),
});

/** The pre-rollback backup (pg_dump directory format) and its restore proof (pg_restore). */
const backupSchema = z
  .strictObject({
    jobs: z.number().int().min(1).max(64).optional().meta({
      description:
        'pg_dump and pg_restore --jobs: tables dumped and restored side by side (each job is a session on the server). Default: the cores of this machine, at least 2, at most 8.',
    }),
    compress: z.number().int().min(0).max(9).default(1).meta({
      description:
        "pg_dump --compress (gzip level, 0 = none). 1 by default: measured at 10M source rows it writes a fifth of the bytes of 0 for about 2 s more, where pg_dump's own default (6) made the dump 5–6× slower.",
    }),
  })
  .meta({ description: 'How the pre-rollback backup is written (pg_dump --format=directory) and proven to restore (pg_restore into a scratch database).' });

const phaseNames = z.array(z.string().min(1)).min(1, 'name at least one phase').describe('The phases that must have executed.');
const succeededValues = z.array(z.string()).min(1).default(['succeeded']).describe('Status values that mean a phase succeeded.');

const phasesSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('health'),
      names: phaseNames,
      path: z.string().min(1).describe('Dotted path of the phases in the health answer (`lastRun.phases`).'),
      succeeded: succeededValues,
    })
    .describe("The health answer's JSON at `path` maps each phase to its status (or to an object with a `status`)."),
  z
    .strictObject({ kind: z.literal('sql'), names: phaseNames, query: z.string().trim().min(1).describe('SQL returning rows (phase, status).'), succeeded: succeededValues })
    .describe("A query returning rows (phase, status) for the version's last run; may use {{runStartedAt}}."),
  z
    .strictObject({
      kind: z.literal('log'),
      patterns: z
        .record(z.string().min(1), z.string().min(1))
        .refine((p) => Object.keys(p).length > 0, 'name at least one phase')
        .describe('Phase name → regular expression.'),
    })
    .describe('A phase is executing when a log line of the restored version matches its regular expression.'),
]);

const dbConnectivitySchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('health'),
      path: z.string().min(1).describe('Dotted path in the health answer (`db.reachable`).'),
      equals: z.union([z.string(), z.number(), z.boolean()]).default(true).describe('The value that means connected.'),
    })
    .describe("The version's health answer says so: the JSON value at `path` equals `equals`."),
  z
    .strictObject({ kind: z.literal('session'), applicationName: z.string().optional().describe('Only sessions with this application_name count.') })
    .describe("The version holds a session on the drill database (pg_stat_activity), other than the harness's own."),
  z.strictObject({ kind: z.literal('run') }).describe("The version's validation run read and wrote the drill database: for batch pipelines that connect per run."),
]);

const verificationSchema = z.strictObject({
  schemas: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
    .min(1)
    .default(['public'])
    .describe("Database schemas holding the pipeline's state: backed up, restore-proven and fingerprinted."),
  phases: phasesSchema.optional().describe('"All pipeline phases executing": where it is read, per phase. Optional.'),
  dbConnectivity: dbConnectivitySchema.default({ kind: 'session' }).describe('"Database connectivity confirmed", judged as the restored version sees it, not as the harness does.'),
  errorLogPattern: z.string().default('"level":"error"|\\bERROR\\b').describe('A log line matching this (a regular expression) counts as an error line.'),
});

const kpisSchema = z.strictObject({
  source: kpiSourceSchema.describe('Where the KPI points are read.'),
  tolerance: z.number().positive().max(1).default(0.01).describe('Largest accepted |v1 − v2| / |v2| per KPI × as-of × segment.'),
  absoluteTolerance: z.number().positive().default(1e-6).describe('Near zero a percentage means nothing: where |v2| · tolerance < this, |v1 − v2| must stay below it instead.'),
  recomputed: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('changed') }).describe('The points whose value changed or appeared (no run id needed).'),
      z
        .strictObject({ kind: z.literal('query'), query: z.string().trim().min(1).describe('SQL returning (as_of, segment, kpi).') })
        .describe(
          'A query returning (as_of, segment, kpi) of the points the run wrote, given {{runId}} and {{runStartedAt}} (`where run_id = {{runId}}`, `where computed_at >= {{runStartedAt}}`).',
        ),
    ])
    .default({ kind: 'changed' })
    .describe("Which KPI points a run recomputed (Test 4 judges V2's re-run over them)."),
});

const failureCommon = {
  setup: z.array(commandSchema).default([]).describe('Commands run before the fault (e.g. new source data for V2 to choke on).'),
  observeTimeoutMs: z.number().int().positive().default(60_000).describe('How long the decision criteria may take to call for the rollback before the test is inconclusive.'),
  restartOnExit: z
    .boolean()
    .default(true)
    .describe('Restart V2 when it exits on its own, as a service manager would (systemd Restart=on-failure); a target that restarts it itself is left to.'),
};

/** How the dry-run makes V2 fail: V2's own fault switch, or a fault the harness causes from outside. */
const failureSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .strictObject({
        kind: z.literal('env'),
        env: z
          .record(z.string(), z.string())
          .refine((e) => Object.keys(e).length > 0, 'name at least one variable')
          .describe('The variables V2 is restarted with.'),
        ...failureCommon,
      })
      .describe('V2 restarted with extra environment: its own fault switch.'),
    z.strictObject({ kind: z.literal('crash-loop'), ...failureCommon }).describe('The harness kills V2 (SIGKILL, on every target) each time it becomes healthy: a crash loop.'),
    z.strictObject({ kind: z.literal('hang'), ...failureCommon }).describe('The harness freezes V2 (SIGSTOP, docker pause, the unit frozen): a hang; runs in flight never end.'),
    z
      .strictObject({
        kind: z.literal('database-cut'),
        durationMs: z.number().int().positive().default(30_000).describe('How long new sessions are refused.'),
        ...failureCommon,
      })
      .describe("The harness ends V2's database sessions and refuses new ones for durationMs, then lets them in again."),
    z
      .strictObject({
        kind: z.literal('sql'),
        statements: z.array(z.string().trim().min(1)).min(1).describe('Run in order.'),
        ...failureCommon,
      })
      .describe('The harness runs these statements on the drill database (a lock, a dropped index, a poisoned row…).'),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? "unknown failure kind: use 'env', 'crash-loop', 'hang', 'database-cut' or 'sql'" : undefined) },
);

/**
 * An environment's schema, given the target union and the notifications schema of the run's registries (the
 * built-ins, and the plug-ins a config adds): one schema per set of plug-ins, so a user's target kind or
 * notification kind is validated as strictly as a built-in one.
 */
function environmentSchemaFor<T extends z.ZodType, N extends z.ZodType>(target: T, notifications: N) {
  return z.strictObject({
    target: target.describe('Where V1 and V2 run: one kind, each with its own fields.'),
    database: databaseSchema.prefault({ kind: 'ephemeral' }).describe('The PostgreSQL server the drill databases are created on.'),
    blob: blobSchema.optional().describe('Blob storage the services publish to ({{blobConnectionString}}, {{blobContainer}}), probed during every drill.'),
    setup: z.array(commandSchema).default([]).describe('Commands that seed the source data set D against {{databaseUrl}}, before V2 is deployed.'),
    setupOnce: z
      .boolean()
      .default(true)
      .describe(
        "Run the setup commands once per run, into a template database that every test's database (and every database a version runs on from scratch) is copied from — the same data set D everywhere, seeded once. false: run them for every test (for setup commands whose effects are not only in the database).",
      ),
    v1: serviceSchema.describe('The version rolled back to: how it starts, how its health is judged, how a KPI run is done.'),
    v2: serviceSchema.describe('The version rolled back from, configured the same way as `v1`.'),
    validation: validationSchema.prefault({}).describe("How V1's first run after the rollback is proven: KPI rows it wrote, output files that decode."),
    budgets: budgetsSchema.prefault({}).describe('Time budgets the checks hold the drill to.'),
    backup: backupSchema.prefault({}),
    verification: verificationSchema.prefault({}).describe('Post-rollback verification: schemas backed up and fingerprinted, phases, connectivity, error lines.'),
    kpis: kpisSchema.optional().describe('KPI points as (as_of, segment, kpi, value): V1 vs V2 on the same data, V2 before and after a roll-forward.'),
    accounting: accountingSchema
      .optional()
      .describe('Zero data loss, by key: every source key must be processed or quarantined, counted in the database. Each query returns one column `key`.'),
    history: historySchema.optional(),
    cutover: commandSchema.optional().describe('Run while V2 is stopped and V1 not yet healthy: records that arrive during the cutover.'),
    failure: failureSchema.optional().describe('How the dry-run simulates V2 failing.'),
    waive: z
      .record(z.string().min(1), z.string().trim().min(1, 'a waiver needs its reason'))
      .default({})
      .describe(
        "Checks this environment cannot prove, by id, each with the reason shown on the checklist and in the verdict (`{ 'v1-outputs-written': 'KPIs go to PostgreSQL only, no files' }`). A check a selected test needs that is neither configured nor waived stops the run before anything starts.",
      ),
    decision: decisionSchema.prefault({}),
    report: z
      .strictObject({
        regressionRatio: z.number().min(1).default(1.2).describe('A rollback slower than this × the median of the last 7 runs is flagged as a regression (1.2 = 20% slower).'),
        pdf: z
          .enum(['off', 'if-available', 'required'])
          .default('if-available')
          .describe("report.pdf: `if-available` prints it when Debian's chromium is installed; `required` fails the run without it."),
        reporters: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe(
            "The reporters that write the run's outputs from its journal, in order: built-in (checklist, junit, allure, history, html) or a plugin's name (`plugins.reporters`). Every one of them when absent.",
          ),
      })
      .prefault({})
      .describe('The sign-off report written at the end of every run.'),
    notifications: notifications.describe('Who is told, and when, as the rollback goes: channels of several kinds (docs/notifications.md).'),
  });
}

const environmentSchema = environmentSchemaFor(targetSchema, notificationsSchema);
const environmentName = z.string().regex(/^[A-Za-z0-9_-]+$/, 'environment names are letters, digits, - and _');

/** The config schema of the built-in targets and notification kinds: the types, and the JSON Schema. */
const environmentsDescription = 'The environments a drill can run, by name (letters, digits, - and _): `drill run --env <name>`.';
export const configSchema = z.strictObject({ environments: z.record(environmentName, environmentSchema).describe(environmentsDescription) });

/** The config schema with the targets and notification kinds of a config's `plugins`. */
export function configSchemaFor(registries: { target: z.ZodType; notifications: z.ZodType }) {
  return z.strictObject({ environments: z.record(environmentName, environmentSchemaFor(registries.target, registries.notifications)).describe(environmentsDescription) });
}

export type ConfigInput = z.input<typeof configSchema>;
export type EnvironmentInput = z.input<typeof environmentSchema>;
export type DrillConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type { ServiceConfig, CommandConfig, HealthConfig, RunConfig, RunKind } from './service-schema.ts';
export type FailureConfig = z.output<typeof failureSchema>;
export type ValidationConfig = z.output<typeof validationSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type TargetKind = TargetConfig['kind'];
export type { DockerTargetConfig } from '../targets/docker/docker-schema.ts';
export type { SwarmTargetConfig } from '../targets/swarm/swarm-schema.ts';
export type { SshSystemdTargetConfig } from '../targets/ssh-systemd/ssh-systemd-schema.ts';
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type VerificationConfig = z.output<typeof verificationSchema>;
export type PhasesConfig = z.output<typeof phasesSchema>;
export type { DecisionConfig } from '../criteria/decision-schema.ts';
