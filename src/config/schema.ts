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
  /**
   * The KPI rows a run wrote, counted in the database: one row, numeric first column. The query may use
   * {{runId}} (when the run protocol gives one) and {{runStartedAt}} (a timestamptz).
   */
  kpiRows: z
    .strictObject({
      query: z.string().trim().min(1),
      /** `count`: the value is the rows the run wrote; `delta`: the value measures the whole set, the run wrote after − before. */
      measure: z.enum(['count', 'delta']).default('count'),
    })
    .optional(),
  /** A run with nothing new to do writes nothing: not a failure (the checks then look at the whole KPI set and say so). */
  incremental: z.boolean().default(false),
  /** Output files a run writes; absent when the pipeline writes none (waive v1-outputs-written then). */
  outputs: z
    .strictObject({
      /** Folder (placeholders allowed), searched recursively. */
      dir: z.string().min(1),
      /** How each file is proven readable: decoded (parquet, csv, jsonl), or only present and non-empty. */
      format: z.enum(['parquet', 'csv', 'jsonl', 'non-empty']),
      /** Only files ending with it count; by default the format's own (.parquet, .csv, .jsonl; any file for non-empty). */
      extension: z.string().optional(),
    })
    .optional(),
});

const budgetsSchema = z.strictObject({
  rollbackMs: z.number().int().positive().default(300_000),
  /** The runbook's pre-rollback checklist: "< 2 minutes". */
  preRollbackMs: z.number().int().positive().default(120_000),
  /** Optional per-step budgets, by step id (stop-v2, capture-v2-logs, restore-v1-config, …). */
  steps: z.record(z.string(), z.number().int().positive()).default({}),
});

/** The pre-rollback backup (pg_dump directory format) and its restore proof (pg_restore). */
const backupSchema = z
  .strictObject({
    jobs: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'pg_dump and pg_restore --jobs: tables dumped and restored side by side (each job is a session on the server). Default: the cores of this machine, at least 2, at most 8.' }),
    compress: z
      .number()
      .int()
      .min(0)
      .max(9)
      .default(1)
      .meta({ description: "pg_dump --compress (gzip level, 0 = none). 1 by default: measured at 10M source rows it writes a fifth of the bytes of 0 for about 2 s more, where pg_dump's own default (6) made the dump 5–6× slower." }),
  })
  .meta({ description: 'How the pre-rollback backup is written (pg_dump --format=directory) and proven to restore (pg_restore into a scratch database).' });

const phaseNames = z.array(z.string().min(1)).min(1, 'name at least one phase');
const succeededValues = z.array(z.string()).min(1).default(['succeeded']);

/** Where "all pipeline phases executing" is read, per phase. */
const phasesSchema = z.discriminatedUnion('kind', [
  /** The health answer's JSON at `path` maps each phase to its status (or to an object with a `status`). */
  z.strictObject({ kind: z.literal('health'), names: phaseNames, path: z.string().min(1), succeeded: succeededValues }),
  /** A query returning rows (phase, status) for the version's last run; may use {{runStartedAt}}. */
  z.strictObject({ kind: z.literal('sql'), names: phaseNames, query: z.string().trim().min(1), succeeded: succeededValues }),
  /** A phase is executing when a log line of the restored version matches its regular expression. */
  z.strictObject({ kind: z.literal('log'), patterns: z.record(z.string().min(1), z.string().min(1)).refine((p) => Object.keys(p).length > 0, 'name at least one phase') }),
]);

/** How "database connectivity confirmed" is judged as the restored version sees it, not as the harness does. */
const dbConnectivitySchema = z.discriminatedUnion('kind', [
  /** The version's health answer says so: the JSON value at `path` equals `equals`. */
  z.strictObject({ kind: z.literal('health'), path: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean()]).default(true) }),
  /** The version holds a session on the drill database (pg_stat_activity), other than the harness's own. */
  z.strictObject({ kind: z.literal('session'), applicationName: z.string().optional() }),
  /** The version's validation run read and wrote the drill database: for batch pipelines that connect per run. */
  z.strictObject({ kind: z.literal('run') }),
]);

const verificationSchema = z.strictObject({
  /** Database schemas holding the pipeline's state: backed up, restore-proven and fingerprinted. */
  schemas: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).min(1).default(['public']),
  /** "All pipeline phases executing": optional. */
  phases: phasesSchema.optional(),
  /** "Database connectivity confirmed", as the restored version sees it. */
  dbConnectivity: dbConnectivitySchema.default({ kind: 'session' }),
  /** A log line matching this (a regular expression) counts as an error line. */
  errorLogPattern: z.string().default('"level":"error"|\\bERROR\\b'),
});

const kpisSchema = z.strictObject({
  source: kpiSourceSchema,
  /** Largest accepted |v1 − v2| / |v2| per KPI × as-of × segment. */
  tolerance: z.number().positive().max(1).default(0.01),
  /** Near zero a percentage means nothing: where |v2| · tolerance < this, |v1 − v2| must stay below it instead. */
  absoluteTolerance: z.number().positive().default(1e-6),
  /**
   * Which KPI points a run recomputed (Test 4 judges V2's re-run over them): `changed`, the points whose
   * value changed or appeared (no run id needed); or a query returning (as_of, segment, kpi) of the points
   * the run wrote, given {{runId}} and {{runStartedAt}} (`where run_id = {{runId}}`, `where computed_at >= {{runStartedAt}}`).
   */
  recomputed: z
    .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('changed') }), z.strictObject({ kind: z.literal('query'), query: z.string().trim().min(1) })])
    .default({ kind: 'changed' }),
});

const failureCommon = {
  /** Commands run before the fault (e.g. new source data for V2 to choke on). */
  setup: z.array(commandSchema).default([]),
  /** How long the decision criteria may take to call for the rollback before the test is inconclusive. */
  observeTimeoutMs: z.number().int().positive().default(60_000),
  /** Restart V2 when it exits on its own, as a service manager would (systemd Restart=on-failure); a target that restarts it itself is left to. */
  restartOnExit: z.boolean().default(true),
};

/** How the dry-run makes V2 fail: V2's own fault switch, or a fault the harness causes from outside. */
const failureSchema = z.discriminatedUnion(
  'kind',
  [
    /** V2 restarted with extra environment: its own fault switch. */
    z.strictObject({ kind: z.literal('env'), env: z.record(z.string(), z.string()).refine((e) => Object.keys(e).length > 0, 'name at least one variable'), ...failureCommon }),
    /** The harness kills V2 (SIGKILL, on every target) each time it becomes healthy: a crash loop. */
    z.strictObject({ kind: z.literal('crash-loop'), ...failureCommon }),
    /** The harness freezes V2 (SIGSTOP, docker pause, the unit frozen): a hang; runs in flight never end. */
    z.strictObject({ kind: z.literal('hang'), ...failureCommon }),
    /** The harness ends V2's database sessions and refuses new ones for durationMs, then lets them in again. */
    z.strictObject({ kind: z.literal('database-cut'), durationMs: z.number().int().positive().default(30_000), ...failureCommon }),
    /** The harness runs these statements on the drill database (a lock, a dropped index, a poisoned row…). */
    z.strictObject({ kind: z.literal('sql'), statements: z.array(z.string().trim().min(1)).min(1), ...failureCommon }),
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
  target,
  database: databaseSchema.prefault({ kind: 'ephemeral' }),
  /** Blob storage the services publish to ({{blobConnectionString}}, {{blobContainer}}), probed during every drill. */
  blob: blobSchema.optional(),
  /** Commands that seed the source data set D against {{databaseUrl}}, before V2 is deployed. */
  setup: z.array(commandSchema).default([]),
  /**
   * Run the setup commands once per run, into a template database that every test's database (and every
   * database a version runs on from scratch) is copied from — the same data set D everywhere, seeded once.
   * false: run them for every test (for setup commands whose effects are not only in the database).
   */
  setupOnce: z.boolean().default(true),
  v1: serviceSchema,
  v2: serviceSchema,
  validation: validationSchema.prefault({}),
  budgets: budgetsSchema.prefault({}),
  backup: backupSchema.prefault({}),
  verification: verificationSchema.prefault({}),
  kpis: kpisSchema.optional(),
  accounting: accountingSchema.optional(),
  history: historySchema.optional(),
  /** Run while V2 is stopped and V1 not yet healthy: records that arrive during the cutover. */
  cutover: commandSchema.optional(),
  /** How the dry-run simulates V2 failing. */
  failure: failureSchema.optional(),
  /**
   * Checks this environment cannot prove, by id, each with the reason shown on the checklist and in the
   * verdict (`{ 'v1-outputs-written': 'KPIs go to PostgreSQL only, no files' }`). A check a selected test
   * needs that is neither configured nor waived stops the run before anything starts.
   */
  waive: z.record(z.string().min(1), z.string().trim().min(1, 'a waiver needs its reason')).default({}),
  decision: decisionSchema.prefault({}),
  /** The sign-off report written at the end of every run. */
  report: z
    .strictObject({
      /** A rollback slower than this × the median of the last 7 runs is flagged as a regression (1.2 = 20% slower). */
      regressionRatio: z.number().min(1).default(1.2),
      /** report.pdf: `if-available` prints it when Debian's chromium is installed; `required` fails the run without it. */
      pdf: z.enum(['off', 'if-available', 'required']).default('if-available'),
      /**
       * The reporters that write the run's outputs from its journal, in order: built-in (checklist, junit,
       * allure, history, html) or a plugin's name (`plugins.reporters`). Every one of them when absent.
       */
      reporters: z.array(z.string().min(1)).min(1).optional(),
    })
    .prefault({}),
  notifications,
});
}

const environmentSchema = environmentSchemaFor(targetSchema, notificationsSchema);
const environmentName = z.string().regex(/^[A-Za-z0-9_-]+$/, 'environment names are letters, digits, - and _');

/** The config schema of the built-in targets and notification kinds: the types, and the JSON Schema. */
export const configSchema = z.strictObject({ environments: z.record(environmentName, environmentSchema) });

/** The config schema with the targets and notification kinds of a config's `plugins`. */
export function configSchemaFor(registries: { target: z.ZodType; notifications: z.ZodType }) {
  return z.strictObject({ environments: z.record(environmentName, environmentSchemaFor(registries.target, registries.notifications)) });
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
