import { z } from 'zod';
import { notificationsSchema } from '../notifications/notifications-schema.ts';
import { kpiSourceSchema } from '../kpis/kpi-source-schema.ts';
import { accountingSchema } from '../database/record-accounting.ts';
import { historySchema } from '../database/history.ts';
import { criteriaOverridesSchema } from '../criteria/criteria-overrides.ts';
import { telemetryMetricsSchema } from '../telemetry/telemetry-metrics.ts';
import { blobSchema } from '../blob/blob-schema.ts';
import { builtInTargetSchema } from '../targets/registry.ts';

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
  /** Values may use {{databaseUrl}}, {{port}}, {{outputDir}}, {{runDir}}, {{blobConnectionString}}, {{blobContainer}}. */
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
  /** Prometheus text endpoint scraped during the drill and kept as evidence (none when absent). */
  metricsPath: z.string().startsWith('/').optional(),
  metricsIntervalMs: z.number().int().positive().default(500),
  healthTimeoutMs: z.number().int().positive().default(30_000),
  stopGraceMs: z.number().int().nonnegative().default(10_000),
  run: runProtocolSchema.prefault({}),
});

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
  /** SQL returning one row with a numeric first column: rows written by the run `$1`. */
  kpiRowsQuery: z.string().min(1),
  /** Folder (placeholders allowed) where the pipeline writes its output files. */
  outputsDir: z.string().min(1),
  outputsExtension: z.string().default('.parquet'),
});

const budgetsSchema = z.strictObject({
  rollbackMs: z.number().int().positive().default(300_000),
  /** The runbook's pre-rollback checklist: "< 2 minutes". */
  preRollbackMs: z.number().int().positive().default(120_000),
  /** Optional per-step budgets, by step id (stop-v2, capture-v2-logs, restore-v1-config, …). */
  steps: z.record(z.string(), z.number().int().positive()).default({}),
});

const verificationSchema = z.strictObject({
  /** Database schemas holding the pipeline's state: backed up, restore-proven and fingerprinted. */
  schemas: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).min(1).default(['public']),
  /** Where the health answer lists the last run's phases, as a dotted path. */
  phasesField: z.string().default('lastRun.phases'),
  /** Phases that must all have succeeded after the rollback ([] = do not check). */
  phases: z.array(z.string()).default([]),
  phaseSucceeded: z.array(z.string()).default(['succeeded']),
  /** A log line matching this (a regular expression) counts as an error line. */
  errorLogPattern: z.string().default('"level":"error"|\\bERROR\\b'),
});

const kpisSchema = z.strictObject({
  source: kpiSourceSchema,
  /** Largest accepted |v1 − v2| / max(|v2|, ε) per KPI × as-of × segment. */
  tolerance: z.number().positive().max(1).default(0.01),
});

const failureSchema = z.strictObject({
  /** Commands run before V2 is restarted with the fault (e.g. new source data for it to choke on). */
  setup: z.array(commandSchema).default([]),
  /** Extra environment of the restarted V2: the fault switch. */
  env: z.record(z.string(), z.string()).default({}),
  /** How long the decision criteria may take to call for the rollback before the test is inconclusive. */
  observeTimeoutMs: z.number().int().positive().default(60_000),
  /** Restart V2 when it exits on its own, as a service manager would (systemd Restart=on-failure). */
  restartOnExit: z.boolean().default(true),
});

/**
 * The decision criteria (src/criteria) as this environment applies them: the seed's thresholds with
 * overrides, and which of the service's /metrics series feed the telemetry the drill records.
 */
const decisionSchema = criteriaOverridesSchema.extend({
  metrics: telemetryMetricsSchema.prefault({}),
  /** One telemetry sample every intervalMs while V2 runs. */
  intervalMs: z.number().int().positive().default(500),
  /** SQL run on the test's database every interval to tell whether the data source answers (`dependencies.source`). */
  sourceProbeQuery: z.string().min(1).optional(),
});

const environmentSchema = z.strictObject({
  target: targetSchema,
  database: databaseSchema.prefault({ kind: 'ephemeral' }),
  /** Blob storage the services publish to ({{blobConnectionString}}, {{blobContainer}}), probed during every drill. */
  blob: blobSchema.optional(),
  /** Commands run once per test against a fresh database, before V2 is deployed (seed the source). */
  setup: z.array(commandSchema).default([]),
  v1: serviceSchema,
  v2: serviceSchema,
  validation: validationSchema,
  budgets: budgetsSchema.prefault({}),
  verification: verificationSchema.prefault({}),
  kpis: kpisSchema.optional(),
  accounting: accountingSchema.optional(),
  history: historySchema.optional(),
  /** Run while V2 is stopped and V1 not yet healthy: records that arrive during the cutover. */
  cutover: commandSchema.optional(),
  /** How the dry-run simulates V2 failing. */
  failure: failureSchema.optional(),
  decision: decisionSchema.prefault({}),
  /** The sign-off report written at the end of every run. */
  report: z
    .strictObject({
      /** A rollback slower than this × the median of the last 7 runs is flagged as a regression (1.2 = 20% slower). */
      regressionRatio: z.number().min(1).default(1.2),
      /** report.pdf: `if-available` prints it when Debian's chromium is installed; `required` fails the run without it. */
      pdf: z.enum(['off', 'if-available', 'required']).default('if-available'),
    })
    .prefault({}),
  notifications: notificationsSchema,
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
export type { DockerTargetConfig } from '../targets/docker/docker-schema.ts';
export type { SwarmTargetConfig } from '../targets/swarm/swarm-schema.ts';
export type { SshSystemdTargetConfig } from '../targets/ssh-systemd/ssh-systemd-schema.ts';
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type VerificationConfig = z.output<typeof verificationSchema>;
export type DecisionConfig = z.output<typeof decisionSchema>;
