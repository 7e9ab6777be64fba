import { kpiId, type KpiPoint } from '../kpis/kpi-compare.ts';
import type { CheckDefinition } from '../checks/check.ts';
import { kpiChecks } from '../checks/kpi-checks.ts';
import { forwardRecordChecks } from '../checks/data-loss-checks.ts';
import { verificationChecks } from '../checks/verification-checks.ts';
import { notMeasured } from '../checks/measure.ts';
import type { Evidence } from '../runner/evidence.ts';
import type { DrillPlan, StepDefinition } from '../runner/runner.ts';
import { defineDrill } from './drill-plugin.ts';
import { rollForwardSection } from '../journal/checklist.ts';
import { accountRecordsStep } from './steps/account-records.ts';
import { completeRun } from './steps/complete-run.ts';
import { emergencyPath } from './steps/emergency.ts';
import { freshRun } from './steps/fresh-run.ts';
import { runSetup } from './steps/run-setup.ts';
import { deployService } from './steps/start-service.ts';
import { stopService } from './steps/stop-service.ts';
import { newTestState, type DrillWorld, type TestState } from '../runner/world.ts';
import { fingerprintSchemaNow, finishNotifications, preRollback, readKpisNow, rollback, v2Running, verify } from './phases.ts';

/**
 * Test 4 of the runbook, "Rollback-Forward Recovery": roll back to V1 and verify it; records arrive
 * while V1 is in charge (V1 processes a first batch, a second arrives after its last run); then V2 is
 * re-deployed and runs again. It must pick up from V1's state: process the second batch (none
 * skipped), not re-process the first (no key processed twice), recompute something, and compute what a
 * V2 that never left computes on the same data (a V2 run from scratch in a second database) — and the
 * schema and constraints must be exactly as before: no state corruption.
 */
export function rollForwardPlan(world: DrillWorld, evidence: Evidence): DrillPlan {
  const state = newTestState('roll-forward', evidence);
  const arrivals = world.env.cutover ? [world.env.cutover] : [];
  const fresh =
    world.env.kpis && world.env.v2.run.kind !== 'none'
      ? freshRun(world, state, 'v2', {
          id: 'v2-fresh-run',
          title: 'Run V2 from scratch on the same data (a second database): the reference',
          phase: 'forward',
          then: [...arrivals, ...arrivals],
          fact: 'freshForward',
        })
      : undefined;
  const [prepare, ...running] = v2Running(world, state);
  const steps: StepDefinition[] = [
    prepare!,
    ...(fresh ? [fresh.start] : []),
    ...running,
    ...preRollback(world, state, 'roll-forward drill'),
    ...rollback(world, state, { cutover: false }),
    ...verify(world, state),
    ...(arrivals.length
      ? [
          runSetup(world, state, arrivals, 'arrivals-under-v1', 'New source records arrive while V1 is in charge', 'forward'),
          completeRun(world, state, 'v1', 'forward'),
          runSetup(world, state, arrivals, 'arrivals-before-forward', "More records arrive after V1's last run, before V2 is back", 'forward'),
        ]
      : []),
    ...(world.env.kpis ? [readKpisNow(world, state, 'kpisBeforeForward', 'read-kpis-before-forward', "Read the KPIs V2's re-run starts from", 'forward')] : []),
    stopService(world, state, 'v1', 'forward'),
    deployService(world, state, 'v2', 'forward', { id: 'redeploy-v2', title: 'Re-deploy V2, start it and wait until healthy' }),
    completeRun(world, state, 'v2', 'forward', 'v2-rerun'),
    ...(world.env.kpis ? [readKpisNow(world, state, 'kpisAfterForward', 'read-kpis-after-forward', "Read V2's KPIs after the roll-forward", 'forward')] : []),
    ...(world.env.accounting
      ? [accountRecordsStep(world, state, 'accountingForward', 'account-records-forward', 'Account for every source record after V2 picked up again', 'forward')]
      : []),
    fingerprintSchemaNow(world, state, 'schemaAfter', 'fingerprint-schema-after', 'forward'),
    ...(fresh ? [fresh.finish] : []),
  ];
  return {
    id: 'roll-forward',
    title: 'Rollback-Forward Recovery',
    steps,
    checks: [
      redeployed(),
      rerunRecomputed(world, state),
      ...kpiChecks(
        world,
        { variance: 'consistent-outputs', missing: 'forward-no-missing-points' },
        "V2's re-run vs V2 from scratch on the same data",
        () => ({
          reference: state.facts.freshForward?.kpis,
          candidate: state.facts.kpisAfterForward,
        }),
        { reference: 'V2 from scratch', candidate: 'V2 re-run' },
      ),
      ...forwardRecordChecks(world, state),
      schemaUnchanged(state),
      ...verificationChecks(world, state),
    ],
    finish: finishNotifications(world, state),
    emergency: { steps: emergencyPath(world, state), whenChecksFail: ['v1-operational'] },
  };
}

function redeployed(): CheckDefinition {
  return {
    id: 'v2-redeployed',
    title: 'V2 re-deployment successful (healthy and through a complete run)',
    threshold: true,
    comparator: '==',
    measure: (test) => {
      const redeploy = test.steps.find((s) => s.id === 'redeploy-v2');
      const rerun = test.steps.find((s) => s.id === 'v2-rerun');
      if (!redeploy || redeploy.status === 'skipped') return { value: undefined, message: 'the re-deployment was not attempted' };
      // A re-deployment that failed, or whose run did not complete, is a failed re-deployment.
      const failed = [redeploy, rerun].find((s) => s && s.status !== 'passed' && s.status !== 'skipped');
      return { value: !failed, ...(failed?.error ? { message: failed.error.split('\n')[0]! } : {}) };
    },
  };
}

/** A V2 that writes nothing on its re-run would pass any comparison of what it wrote: it must have recomputed something. */
function rerunRecomputed(world: DrillWorld, state: TestState): CheckDefinition {
  return {
    id: 'v2-rerun-recomputed',
    title: `V2's re-run recomputed KPI points (${world.env.kpis?.recomputed.kind === 'query' ? 'by the configured query' : 'points whose value changed or appeared'})`,
    unit: 'points',
    threshold: 1,
    comparator: '>=',
    ...(world.env.kpis ? {} : { unconfigured: 'kpis' }),
    ...(world.env.cutover ? {} : { unconfigured: 'cutover (records must arrive for V2 to pick up)' }),
    measure: () => {
      const points = recomputedPoints(world, state);
      if (!points) return notMeasured("the KPIs around V2's re-run");
      return { value: points.keys.size, message: `${points.keys.size} point(s) in ${points.periods.length} period(s): ${points.periods.slice(0, 5).join(', ')}` };
    },
  };
}

function schemaUnchanged(state: TestState): CheckDefinition {
  return {
    id: 'schema-unchanged',
    title: 'No state corruption: schema and constraints unchanged',
    threshold: true,
    comparator: '==',
    measure: () => {
      const before = state.facts.schemaBefore;
      const after = state.facts.schemaAfter;
      if (!before || !after) return { value: undefined, message: 'schema fingerprints not taken' };
      return {
        value: before.hash === after.hash,
        evidence: after.evidence,
        ...(before.hash === after.hash ? {} : { message: `compare ${before.evidence} with ${after.evidence}` }),
      };
    },
  };
}

/** The runbook's "Rollback-Forward Recovery", as a drill of the registry: its plan and its section of the Testing Checklist. */
export const rollForward = defineDrill({ id: 'roll-forward', title: 'Rollback-Forward Recovery', plan: rollForwardPlan, checklist: rollForwardSection });

/**
 * The KPI points V2's re-run recomputed: those the configured query names (by run id or time window),
 * or, by default, those whose value changed or that appeared between just before and just after the
 * re-run. Undefined until both sides are known.
 */
function recomputedPoints(world: DrillWorld, state: TestState): { keys: Set<string>; periods: string[] } | undefined {
  const { kpisBeforeForward: before, kpisAfterForward: after, recomputedKeys } = state.facts;
  if (!after) return undefined;
  let points: KpiPoint[];
  if (world.env.kpis?.recomputed.kind === 'query') {
    if (!recomputedKeys) return undefined;
    const wanted = new Set(recomputedKeys);
    points = after.points.filter((p) => wanted.has(kpiId(p)));
  } else {
    if (!before) return undefined;
    const previous = new Map(before.points.map((p) => [kpiId(p), p.value]));
    points = after.points.filter((p) => !previous.has(kpiId(p)) || previous.get(kpiId(p)) !== p.value);
  }
  return { keys: new Set(points.map(kpiId)), periods: [...new Set(points.map((p) => p.asOf))].sort() };
}
