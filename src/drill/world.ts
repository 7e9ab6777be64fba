import { isAbsolute, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import type { Redactor } from '../config/redact.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import type { PostgresServer } from '../database/postgres-server.ts';
import type { BlobContainer, BlobStorage } from '../blob/blob-storage.ts';
import type { StartedDeployment, Target } from '../targets/target.ts';
import type { Evidence } from './evidence.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { KpiPoint } from '../checks/kpi-compare.ts';
import type { Scraper } from '../telemetry/scraper.ts';
import type { ResourceSampler } from '../telemetry/resource-sampler.ts';
import type { TelemetryRecorder } from '../telemetry/telemetry-recorder.ts';
import type { Decision } from '../criteria/decision-types.ts';
import type { HistoryRow, HistorySnapshot } from '../database/history.ts';
import type { Fingerprints } from '../database/fingerprint.ts';

export type ServiceKey = 'v1' | 'v2';
export const serviceName: Record<ServiceKey, string> = { v1: 'V1', v2: 'V2' };

/** What every test of one run shares: config, the Postgres server, the target. */
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
}

export interface PipelineRun {
  runId: string;
  status: string;
  triggeredAt: number;
  durationMs: number;
  body: Record<string, unknown>;
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
  /** V1's environment as restored from the rollback assets (runbook step 2). */
  restoredEnv: Partial<Record<ServiceKey, Record<string, string>>>;
  /** /metrics scrapers of the running versions, kept as evidence. */
  scrapers: Partial<Record<ServiceKey, Scraper[]>>;
  /** RSS/CPU samplers of the running versions (one per start), as the target measures them. */
  resources: Partial<Record<ServiceKey, ResourceSampler[]>>;
  /** V2's telemetry series for the decision criteria, from its first start to the end of the test. */
  telemetry?: TelemetryRecorder;
  /** Notifications under way; awaited when the test finishes so they never slow a step. */
  notifications: Promise<unknown>[];
  /** Facts measured along the way, read by the checks. */
  facts: Facts;
}

export interface KpiFacts {
  points: KpiPoint[];
  evidence: string;
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
  /** The backup and the pg_restore of the server's major, found once for both pre-rollback steps. */
  backup?: { file: string; bytes: number; pgRestore: string; fingerprints?: Fingerprints };
  restore?: { restored: boolean; differences: number; schemaMatches: boolean; evidence: string; error?: string };
  kpisBefore?: KpiFacts;
  /** V1 run from scratch on the same data set (Test 2). */
  sameDataKpis?: KpiFacts;
  kpisAfter?: KpiFacts;
  kpisAfterForward?: KpiFacts;
  historyComparison?: HistoryComparisonFacts;
  schemaAfter?: { hash: string; evidence: string };
  failureObserved?: string;
  /** When the dry-run restarted V2 with the fault, and what the decision criteria then said. */
  faultInjectedAt?: number;
  decision?: { decision: Decision; timeToDetectMs: number; evidence: string };
  history?: { snapshot: HistorySnapshot; rows: HistoryRow[]; latestPeriod?: string; evidence: string };
  accountingBefore?: AccountingFacts;
  accountingAfter?: AccountingFacts;
  schemaBefore?: { hash: string; evidence: string };
  cutover?: Promise<void>;
  cutoverRan?: boolean;
  verification?: { healthy: boolean; phasesOk: number; phasesExpected: number; phases: Record<string, string>; dbOk: boolean; errorLines: string[]; evidence: string };
}

export interface AccountingFacts {
  sourceKeys: number;
  missingKeys: number;
  missingSample: string[];
  doublyAccounted: number;
  unexpectedKeys: number;
  evidence: string;
}

export function newTestState(testId: string, evidence: Evidence): TestState {
  return { testId, evidence, running: {}, runs: {}, restoredEnv: {}, scrapers: {}, resources: {}, notifications: [], facts: {} };
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
