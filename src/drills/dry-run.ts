import type { CheckDefinition } from '../checks/check.ts';
import { budgetChecks } from '../checks/budget-checks.ts';
import { dataLossChecks } from '../checks/data-loss-checks.ts';
import { metricsRestoredCheck } from '../checks/kpi-checks.ts';
import { historyCheck, preRollbackChecks } from '../checks/state-checks.ts';
import { verificationChecks } from '../checks/verification-checks.ts';
import type { Evidence } from '../runner/evidence.ts';
import type { DrillPlan } from '../runner/runner.ts';
import { defineDrill } from './drill-plugin.ts';
import { dryRunSection } from '../journal/checklist.ts';
import { emergencyPath } from './steps/emergency.ts';
import { simulateFailure } from './steps/simulate-failure.ts';
import { newTestState, type DrillWorld, type TestState } from '../runner/world.ts';
import { finishNotifications, mayChangePeriods, preRollback, readKpisNow, rollback, v2Running, verify } from './phases.ts';

/**
 * Test 1 of the runbook, "Dry-Run Rollback": deploy V2, run it, simulate a failure (V2's own fault
 * switch, or a fault the harness causes) and prove the decision criteria detect it, then the whole
 * procedure — pre-rollback checklist, execution, verification: < 5 minutes, V1 operational, all
 * metrics restored, zero data loss.
 */
export function dryRunPlan(world: DrillWorld, evidence: Evidence): DrillPlan {
  const state = newTestState('dry-run', evidence);
  const failure = world.env.failure;
  const steps = [
    ...v2Running(world, state),
    ...(failure ? simulateFailure(world, state, failure) : []),
    ...preRollback(world, state, failure ? 'simulated V2 failure' : 'dry-run'),
    ...rollback(world, state, { cutover: true }),
    ...verify(world, state),
    ...(world.env.kpis ? [readKpisNow(world, state, 'kpisAfter', 'read-kpis-after', 'Read the KPIs after the rollback', 'verify')] : []),
  ];
  return {
    id: 'dry-run',
    title: 'Dry-Run Rollback (Staging Environment)',
    steps,
    checks: [
      failureDetected(world, state),
      ...budgetChecks(
        world,
        steps.map((s) => s.id),
      ),
      ...verificationChecks(world, state),
      metricsRestoredCheck(world, () => ({ before: state.facts.kpisBefore, after: state.facts.kpisAfter, mayChange: mayChangePeriods(state) })),
      ...dataLossChecks(world, state),
      ...historyCheck(world, state),
      ...preRollbackChecks(world, state),
    ],
    finish: finishNotifications(world, state),
    emergency: { steps: emergencyPath(world, state), whenChecksFail: ['v1-operational'] },
  };
}

/** The injected fault was detected by the decision criteria within the observation window, not assumed. */
function failureDetected(world: DrillWorld, state: TestState): CheckDefinition {
  const failure = world.env.failure;
  return {
    id: 'failure-detected',
    title: `Simulated failure detected by the decision criteria within ${(failure?.observeTimeoutMs ?? 0) / 1000} s`,
    threshold: true,
    comparator: '==',
    ...(failure ? {} : { unconfigured: 'failure' }),
    measure: (test) => {
      const step = test.steps.find((s) => s.id === 'observe-failure');
      if (!step || step.status === 'skipped') return { value: undefined, message: 'the failure was not simulated' };
      const detected = state.facts.decision;
      if (detected) return { value: true, evidence: detected.evidence, message: `${state.facts.failureObserved ?? ''}, ${detected.timeToDetectMs} ms after the fault` };
      const why = step.output?.['notDetected'];
      // Not called within the window: the criteria missed a real failure — the decision the runbook relies on.
      return typeof why === 'string' ? { value: false, message: why } : { value: undefined, message: step.error ?? 'the observation did not finish' };
    },
  };
}

/** The runbook's "Dry-Run Rollback (Staging Environment)", as a drill of the registry: its plan and its section of the Testing Checklist. */
export const dryRun = defineDrill({ id: 'dry-run', title: 'Dry-Run Rollback (Staging Environment)', plan: dryRunPlan, checklist: dryRunSection });
