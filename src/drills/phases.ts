import { readKpis } from '../kpis/read-kpis.ts';
import { kpiId } from '../kpis/kpi-compare.ts';
import { readKpiKeys } from '../kpis/read-sql-kpis.ts';
import { schemaFingerprint } from '../database/fingerprint.ts';
import type { TestRecord } from '../journal/journal-types.ts';
import type { StepDefinition } from '../runner/runner.ts';
import { accountRecordsAfter } from './steps/account-records.ts';
import { captureLogs } from './steps/capture-logs.ts';
import { compareHistoryStep } from './steps/compare-history.ts';
import { cutoverArrivals } from './steps/cutover.ts';
import { initiateRollback, notificationWarning, sendNotification } from './steps/notify.ts';
import { backupDatabase, exportV2Metrics, proveBackupRestores, recordSystemState } from './steps/pre-rollback.ts';
import { prepareDatabase } from './steps/prepare-database.ts';
import { restoreConfig } from './steps/restore-config.ts';
import { completeRun } from './steps/complete-run.ts';
import { runSetup } from './steps/run-setup.ts';
import { deployService, startService, waitServiceHealthy } from './steps/start-service.ts';
import { stopService } from './steps/stop-service.ts';
import { validateRun } from './steps/validate-run.ts';
import { verifyService } from './steps/verify-service.ts';
import { fillPlaceholders, need, type DrillWorld, type TestState } from '../runner/world.ts';

/** The building blocks every runbook test shares, in runbook order. */

/** V2 deployed on a freshly seeded database and through one complete run. */
export function v2Running(world: DrillWorld, state: TestState): StepDefinition[] {
  return [prepareDatabase(world, state), runSetup(world, state), deployService(world, state, 'v2'), completeRun(world, state, 'v2', 'setup')];
}

/** The runbook's pre-rollback checklist: notify, then the rest (preRollbackSteps). */
export function preRollback(world: DrillWorld, state: TestState, reason: string): StepDefinition[] {
  return [initiateRollback(world, state, reason), ...preRollbackSteps(world, state)];
}

/**
 * Back up (and prove it), export metrics, record state; then wait for what runs in the background, so
 * that the rollback window that follows runs with nothing else.
 */
export function preRollbackSteps(world: DrillWorld, state: TestState): StepDefinition[] {
  return [backupDatabase(world, state), proveBackupRestores(world, state), exportV2Metrics(world, state), recordSystemState(world, state), settleBackground(state)];
}

/**
 * The last step before the rollback window: the work started in the background (a version's run from
 * scratch, the drop of the restore proof's scratch database) is over, or failed, reported at its own step.
 */
function settleBackground(state: TestState): StepDefinition {
  return {
    id: 'background-settled',
    title: 'Wait for the work started in the background: the rollback window runs with nothing else',
    phase: 'pre-rollback',
    async run(ctx) {
      const started = Date.now();
      await Promise.allSettled(state.background);
      ctx.record('waitedMs', Date.now() - started);
    },
  };
}

/** The runbook's four execution steps, each timed; `cutover` lets records arrive while V2 is down. */
export function rollback(world: DrillWorld, state: TestState, options: { cutover: boolean }): StepDefinition[] {
  return [
    announce(stopService(world, state, 'v2'), () => sendNotification(world, state, 'v2-stopped', 'V2 stopped')),
    captureLogs(state, 'v2'),
    ...(options.cutover && world.env.cutover ? [cutoverArrivals(world, state)] : []),
    restoreConfig(world, state, 'v1'),
    startService(world, state, 'v1', 'rollback'),
    announce(waitServiceHealthy(world, state, 'v1', 'rollback'), () => sendNotification(world, state, 'v1-healthy', 'V1 healthy')),
    validateRun(world, state, 'v1'),
  ];
}

/** Post-rollback verification, record accounting and the historical metrics comparison. */
export function verify(world: DrillWorld, state: TestState): StepDefinition[] {
  return [
    verifyService(world, state, 'v1'),
    ...(world.env.accounting ? [accountRecordsAfter(world, state)] : []),
    ...(world.env.history ? [compareHistoryStep(world, state)] : []),
  ];
}

/** Reads the KPIs as they are now into a fact (for "all metrics restored" and roll-forward). */
export function readKpisNow(
  world: DrillWorld,
  state: TestState,
  fact: 'kpisAfter' | 'kpisBeforeForward' | 'kpisAfterForward',
  id: string,
  title: string,
  phase: 'verify' | 'forward',
): StepDefinition {
  return {
    id,
    title,
    phase,
    async run(ctx) {
      const kpis = need(world.env.kpis, 'the kpis config');
      const points = await readKpis(kpis.source, { dsn: need(state.databaseUrl, 'the drill database'), fill: (v) => fillPlaceholders(v, state, world) });
      state.facts[fact] = { points, evidence: await state.evidence.write(`${fact}.json`, JSON.stringify(points, null, 1)) };
      ctx.record('kpiPoints', points.length);
      const recomputed = kpis.recomputed;
      if (fact === 'kpisAfterForward' && recomputed.kind === 'query') {
        const run = state.runs.v2;
        const bound = { runStartedAt: { value: run?.startedAt ?? '-infinity', type: 'timestamptz' }, ...(run?.runId ? { runId: { value: run.runId, type: 'text' } } : {}) };
        const keys = await readKpiKeys(need(state.databaseUrl, 'the drill database'), recomputed.query, bound, 'kpis.recomputed.query');
        state.facts.recomputedKeys = keys.map(kpiId);
        ctx.record('recomputedPoints', keys.length);
      }
    },
  };
}

export function fingerprintSchemaNow(world: DrillWorld, state: TestState, fact: 'schemaAfter', id: string, phase: 'forward'): StepDefinition {
  return {
    id,
    title: 'Fingerprint the schema and constraints',
    phase,
    async run(ctx) {
      const schema = await schemaFingerprint(need(state.databaseUrl, 'the drill database'), { schemas: world.env.verification.schemas });
      state.facts[fact] = { hash: schema.hash, evidence: await state.evidence.write(`${fact}.json`, JSON.stringify(schema, null, 1)) };
      ctx.record('hash', schema.hash);
    },
  };
}

/** Sends the closing notices (verified or failed; status page out of maintenance) and waits for every delivery. */
export function finishNotifications(world: DrillWorld, state: TestState) {
  return async (test: TestRecord): Promise<void> => {
    const started = test.steps.some((s) => s.id === 'initiate-rollback' && s.status === 'passed');
    if (started) {
      const ok = test.steps.every((s) => s.status === 'passed') && test.checks.every((c) => c.status === 'passed');
      sendNotification(world, state, ok ? 'rollback-verified' : 'rollback-failed', ok ? 'Rollback verified: V1 operational' : `Rollback ${test.id}: verification failed`);
      sendNotification(world, state, 'maintenance-off', `${world.environmentName}: pipeline out of maintenance`);
    }
    const results = (await Promise.all(state.notifications)).flat() as NonNullable<TestRecord['notifications']>;
    if (results.length === 0) return;
    test.notifications = results;
    for (const r of results.filter((r) => !r.ok)) (test.warnings ??= []).push(notificationWarning(r));
  };
}

function announce(step: StepDefinition, after: () => void): StepDefinition {
  return {
    ...step,
    async run(ctx) {
      await step.run(ctx);
      after();
    },
  };
}

/**
 * The KPI periods that may legitimately change during the drill: those history's `mayChange` names
 * once compared, else the latest as-of (in date order) of V2's export.
 */
export function mayChangePeriods(state: TestState): ReadonlySet<string> | undefined {
  if (state.facts.mayChange) return state.facts.mayChange;
  const asOfs = [...new Set(state.facts.kpisBefore?.points.map((p) => p.asOf) ?? [])].sort(byDate);
  return asOfs.length ? new Set([asOfs.at(-1)!]) : undefined;
}

// As-ofs are dates, or numbers: compared as what they are, never as strings ('9' after '10').
function byDate(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  const [dx, dy] = [Date.parse(a), Date.parse(b)];
  return Number.isNaN(dx) || Number.isNaN(dy) ? (a < b ? -1 : a > b ? 1 : 0) : dx - dy;
}
