import { isAbsolute, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import type { Redactor } from '../redaction/redactor.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import type { PostgresServer } from '../database/postgres-server.ts';
import type { BlobContainer, BlobStorage } from '../blob/blob-storage.ts';
import type { StartedDeployment, Target } from '../targets/target.ts';
import type { Evidence } from './evidence.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { KpiPoint } from '../kpis/kpi-compare.ts';
import type { Scraper } from '../telemetry/scraper.ts';
import type { ResourceSampler } from '../telemetry/resource-sampler.ts';
import type { TelemetryRecorder } from '../telemetry/telemetry-recorder.ts';
import type { Decision } from '../criteria/decision-types.ts';
import type { HistoryRow, HistorySnapshot } from '../database/history.ts';
import type { Fingerprints } from '../database/fingerprint.ts';
import type { PipelineRun } from '../pipeline/run-pipeline.ts';

export type ServiceKey = 'v1' | 'v2';
export const serviceName: Record<ServiceKey, string> = { v1: 'V1', v2: 'V2' };

/** What every test of one run shares: config, the Postgres server, the target. */
/** The run's seeded data set D as a template database (src/runner/seed-template.ts makes it). */
export interface SeedTemplate {
  /** The template database every test's database is copied from. */
  name: string;
  /** How long seeding it took, once for the whole run. */
  seedMs: number;
}

export interface DrillWorld {
  runId: string;
  runDir: string;
  environmentName: string;
  env: EnvironmentConfig;
  /** Folder of the config file; relative paths in the config resolve against it. */
  baseDir: string;
  server: PostgresServer;
  /** The blob storage of `blob` in the config, opened for the run. */
  blob?: BlobStorage;
  target: Target;
  redactor: Redactor;
  /** The harness's own environment (for passEnv and the base PATH of services). */
  processEnv: NodeJS.ProcessEnv;
  notifier: Notifier;
  /** The run's seeded data set D as a template database, made by the first test that asks (undefined: each test seeds its own). */
  seedTemplate: () => Promise<SeedTemplate | undefined>;
  /** Queues a cleanup for the end of the run (after the last test, before its resources close), run in reverse. */
  atRunEnd(label: string, fn: () => Promise<unknown>): void;
}

/** What the steps of one test hand to each other. */
export interface TestState {
  readonly testId: string;
  readonly evidence: Evidence;
  databaseUrl?: string;
  outputDir?: string;
  /** This test's blob container, when the environment has blob storage. */
  blob?: BlobContainer;
  running: Partial<Record<ServiceKey, StartedDeployment>>;
  runs: Partial<Record<ServiceKey, PipelineRun>>;
  /** When each version was last started (harness clock and database clock): the window a version with no run trigger is judged over. */
  startedAt: Partial<Record<ServiceKey, { ms: number; db: string }>>;
  /** V1's environment as restored from the rollback assets (runbook step 2). */
  restoredEnv: Partial<Record<ServiceKey, Record<string, string>>>;
  /** /metrics scrapers of the running versions, kept as evidence. */
  scrapers: Partial<Record<ServiceKey, Scraper[]>>;
  /** RSS/CPU samplers of the running versions (one per start), as the target measures them. */
  resources: Partial<Record<ServiceKey, ResourceSampler[]>>;
  /** V2's telemetry series for the decision criteria, from its first start to the end of the test. */
  telemetry?: TelemetryRecorder;
  /** While the dry-run keeps V2 busy: the age of the work V2 accepted and has not finished (a hung run shows here). */
  harnessLatencyMs?: () => number | undefined;
  /** The drill database's name on the server (a database cut names it). */
  databaseName?: string;
  /** The database was copied from the run's seeded template: the setup commands need not run again. */
  seededFrom?: SeedTemplate;
  /** Work started in the background (a version's run from scratch), settled before the rollback window. */
  background: Promise<unknown>[];
  /** Notifications under way; awaited when the test finishes so they never slow a step. */
  notifications: Promise<unknown>[];
  /** Facts measured along the way, read by the checks. */
  facts: Facts;
}

export interface KpiFacts {
  points: KpiPoint[];
  evidence: string;
}

export interface PipelineRunFacts {
  databaseUrl: string;
  run: PipelineRun;
  kpis: KpiFacts;
}

export interface HistoryComparisonFacts {
  intact: boolean;
  changedPeriods: string[];
  missingPeriods: string[];
  /** Every changed, added or removed historical row; changedRows holds the first few of them. */
  changedRowCount: number;
  changedRows: Array<{ key: Record<string, string>; before: unknown; after: unknown }>;
  evidence: string;
}

export interface Facts {
  /** The backup (a pg_dump directory) and the pg_restore of the server's major, found once for both pre-rollback steps. */
  backup?: { path: string; bytes: number; pgRestore: string; fingerprints?: Fingerprints };
  restore?: { restored: boolean; differences: number; schemaMatches: boolean; evidence: string; error?: string };
  kpisBefore?: KpiFacts;
  /** V1's run from scratch on data set D, in a second database (dropped when the test ends): Test 2. */
  sameData?: PipelineRunFacts;
  /** V2's run from scratch on the data V2's re-run saw (Test 4's reference). */
  freshForward?: PipelineRunFacts;
  kpisAfter?: KpiFacts;
  /** The KPIs just before V2's re-run (Test 4), and after it. */
  kpisBeforeForward?: KpiFacts;
  kpisAfterForward?: KpiFacts;
  /** The points V2's re-run wrote, by the configured `kpis.recomputed` query (kpiId of each). */
  recomputedKeys?: string[];
  historyComparison?: HistoryComparisonFacts;
  schemaAfter?: { hash: string; evidence: string };
  failureObserved?: string;
  /** When the dry-run restarted V2 with the fault, and what the decision criteria then said. */
  faultInjectedAt?: number;
  /** A database cut in progress: when it is due to end, and how. */
  faultEndsAt?: number;
  endFault?: () => Promise<void>;
  decision?: { decision: Decision; timeToDetectMs: number; evidence: string };
  history?: { snapshot: HistorySnapshot; rows: HistoryRow[]; evidence: string };
  /** The periods that may legitimately change during the drill (history's mayChange), once computed. */
  mayChange?: ReadonlySet<string>;
  /** Source keys that arrived after V2's last completed run (the cutover, the failure's data), once known. */
  arrivedKeys?: string[];
  accountingBefore?: AccountingFacts;
  accountingAfter?: AccountingFacts;
  /** (b), the records that arrived during the cutover, by key. */
  accountingArrivals?: AccountingFacts;
  /** The snapshots of source keys: when V2 was asked for its run, and just before the rollback (tables of the drill database). */
  v2RunKeys?: string;
  preRollbackKeys?: string;
  /** (c) V1 vs V2 on the same data: how many records differ, and a few lines saying how. */
  versionRecords?: { differences: number; lines: string[]; evidence: string };
  /** After V2 picked up again (Test 4). */
  accountingForward?: AccountingFacts;
  schemaBefore?: { hash: string; evidence: string };
  cutover?: Promise<void>;
  cutoverRan?: boolean;
  verification?: VerificationFacts;
}

export interface VerificationFacts {
  healthy: boolean;
  health: string;
  /** Each configured phase and what was seen of it; absent when phases are not configured. */
  phases?: Record<string, { ok: boolean; seen: string }>;
  db: { ok: boolean; how: string };
  errorLines: string[];
  evidence: string;
}

export interface AccountingFacts {
  /** Which source keys were accounted for: every one, those V2 was asked to handle, those that arrived. */
  scope: string;
  sourceKeys: number;
  /** Source keys neither processed nor quarantined, by key: the data loss. */
  missingKeys: number;
  missingSample: string[];
  /** Accounted keys unknown to the source. */
  unexpectedKeys: number;
  unexpectedSample: string[];
  /** Keys both processed and quarantined, processed twice, quarantined twice: counted more than once. */
  doublyAccounted: number;
  processedTwice: number;
  quarantinedTwice: number;
  repeatedSample: string[];
  /** Processed keys whose configured value columns differ from the source's. */
  valueMismatches: number;
  valueSample: string[];
  nullSourceKeys: number;
  duplicateSourceKeys: number;
  valueColumns: string[];
  evidence: string;
  /** Before the rollback only: the decision criteria's verdict on this loss (the runbook's "data loss detected" trigger). */
  criterion?: { fired: boolean; title: string };
}

export function newTestState(testId: string, evidence: Evidence): TestState {
  return { testId, evidence, background: [], running: {}, runs: {}, startedAt: {}, restoredEnv: {}, scrapers: {}, resources: {}, notifications: [], facts: {} };
}

/** A value a previous step should have set; its absence is a programming error in the plan. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal: ${what} is not available at this step`);
  return value;
}

export function resolvePath(world: DrillWorld, path: string): string {
  return isAbsolute(path) ? path : resolve(world.baseDir, path);
}

/** Fills {{databaseUrl}}, {{outputDir}}, {{runDir}}, {{blobConnectionString}}, {{blobContainer}}; {{port}} is left for the target. */
export function fillPlaceholders(value: string, state: TestState, world: DrillWorld): string {
  if (value.includes('{{blob') && !state.blob) throw new HarnessError(`'${value}' names blob storage, but the environment has no blob: set blob in the config`);
  return value
    .replaceAll('{{blobConnectionString}}', state.blob?.serviceConnectionString ?? '')
    .replaceAll('{{blobContainer}}', state.blob?.name ?? '')
    .replaceAll('{{databaseUrl}}', need(state.databaseUrl, 'the drill database'))
    .replaceAll('{{outputDir}}', need(state.outputDir, 'the output folder'))
    .replaceAll('{{runDir}}', world.runDir);
}
