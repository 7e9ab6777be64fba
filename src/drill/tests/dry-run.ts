import type { CheckDefinition } from '../../checks/check.ts';
import type { Evidence } from '../evidence.ts';
import type { DrillPlan } from '../runner.ts';
import { simulateFailure } from '../steps/simulate-failure.ts';
import { newTestState, type DrillWorld, type TestState } from '../world.ts';
import { dataLossChecks, historyCheck, preRollbackChecks, verificationChecks } from './checks.ts';
import { finishNotifications, preRollback, readKpisNow, rollback, v2Running, verify } from './phases.ts';
import { budgetChecks } from './rollback-time.ts';
import { emergencyPath } from '../steps/emergency.ts';


/**
 * Test 1 of the runbook, "Dry-Run Rollback": deploy V2, run it, simulate a failure (restart V2 with
 * a fault and watch it fail), then the whole procedure — pre-rollback checklist, execution,
 * verification: < 5 minutes, V1 operational, all metrics restored, zero data loss.
 */
export function dryRunPlan(world: DrillWorld, evidence: Evidence): DrillPlan {
  const state = newTestState('dry-run', evidence);
  const steps = [
    ...v2Running(world, state),
    ...simulateFailure(world, state),
    ...preRollback(world, state, 'simulated V2 failure'),
    ...rollback(world, state, { cutover: true }),
    ...verify(world, state),
    ...(world.env.kpis ? [readKpisNow(world, state, 'kpisAfter', 'read-kpis-after', 'Read the KPIs after the rollback', 'verify')] : []),
  ];
  return {
    id: 'dry-run',
    title: 'Dry-Run Rollback (Staging Environment)',
    steps,
    checks: [
      ...budgetChecks(world, steps.map((s) => s.id)),
      ...verificationChecks(world, state),
      ...(world.env.kpis ? [metricsRestored(state)] : []),
      ...dataLossChecks(world, state),
      ...historyCheck(world, state),
      ...preRollbackChecks(world, state),
    ],
    finish: finishNotifications(world, state),
    emergency: { steps: emergencyPath(world, state), whenChecksFail: ['v1-operational'] },
  };
}

/** "All metrics restored": every as-of × segment × KPI V2 had produced before the failure exists after the rollback. */
function metricsRestored(state: TestState): CheckDefinition {
  return {
    id: 'metrics-restored',
    title: 'All metrics restored (every KPI point V2 had produced exists after the rollback)',
    unit: 'points missing',
    threshold: 0,
    comparator: '<=',
    measure: () => {
      const before = state.facts.kpisBefore;
      const after = state.facts.kpisAfter;
      if (!before || !after) return { value: undefined, message: 'KPIs before or after the rollback were not read' };
      const present = new Set(after.points.filter((p) => p.value !== null).map((p) => `${p.asOf}|${p.segment}|${p.kpi}`));
      const missing = before.points.filter((p) => !present.has(`${p.asOf}|${p.segment}|${p.kpi}`));
      return {
        value: missing.length,
        evidence: after.evidence,
        ...(missing.length ? { message: `missing: ${missing.slice(0, 5).map((p) => `${p.kpi} ${p.asOf} ${p.segment}`).join(', ')}` } : {}),
      };
    },
  };
}
