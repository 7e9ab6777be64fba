import { budgetChecks } from '../checks/budget-checks.ts';
import { dataLossChecks, sameRecordsCheck } from '../checks/data-loss-checks.ts';
import { compareVersionRecords } from './steps/account-records.ts';
import { kpiChecks } from '../checks/kpi-checks.ts';
import { historyCheck, preRollbackChecks } from '../checks/state-checks.ts';
import type { Evidence } from '../runner/evidence.ts';
import type { DrillPlan } from '../runner/runner.ts';
import { defineDrill } from './drill-plugin.ts';
import { dataValidationSection } from '../journal/checklist.ts';
import { emergencyPath } from './steps/emergency.ts';
import { freshRun } from './steps/fresh-run.ts';
import { newTestState, type DrillWorld } from '../runner/world.ts';
import { finishNotifications, preRollback, rollback, v2Running, verify } from './phases.ts';

/**
 * Test 2 of the runbook, "Rollback with Data Validation": V2 runs to completion on data set D,
 * its KPIs are exported, the rollback runs (records keep arriving meanwhile), and then: every
 * source key is accounted for, historical metrics are untouched, and V1 run on the same D gives
 * the same KPIs as V2 within the tolerance — with no data point missing on either side.
 */
export function dataValidationPlan(world: DrillWorld, evidence: Evidence): DrillPlan {
  const state = newTestState('data-validation', evidence);
  const sameData =
    world.env.kpis && world.env.v1.run.kind !== 'none'
      ? freshRun(world, state, 'v1', {
          id: 'v1-same-data-run',
          title: 'Run V1 from scratch on the same data set D (a second database)',
          phase: 'verify',
          then: [],
          fact: 'sameData',
        })
      : undefined;
  const [prepare, ...running] = v2Running(world, state);
  const steps = [
    prepare!,
    ...(sameData ? [sameData.start] : []),
    ...running,
    ...preRollback(world, state, 'data-validation drill'),
    ...rollback(world, state, { cutover: true }),
    ...verify(world, state),
    ...(sameData ? [sameData.finish] : []),
    ...(sameData && world.env.accounting ? [compareVersionRecords(world, state)] : []),
  ];
  const noRun = world.env.v1.run.kind === 'none' ? { unconfigured: 'v1.run (V1 has no run trigger, so it cannot be run on the same data)' } : {};
  return {
    id: 'data-validation',
    title: 'Rollback with Data Validation',
    steps,
    checks: [
      ...kpiChecks(
        world,
        { variance: 'kpi-variance', missing: 'no-missing-data-points' },
        'V1 on D vs V2 on D',
        () => ({
          reference: state.facts.kpisBefore,
          candidate: state.facts.sameData?.kpis,
        }),
        { reference: 'V2', candidate: 'V1' },
      ).map((check) => ({ ...noRun, ...check })),
      ...dataLossChecks(world, state),
      { ...noRun, ...sameRecordsCheck(world, state) },
      ...historyCheck(world, state),
      ...preRollbackChecks(world, state),
      ...budgetChecks(
        world,
        steps.map((s) => s.id),
      ),
    ],
    finish: finishNotifications(world, state),
    emergency: { steps: emergencyPath(world, state), whenChecksFail: ['v1-operational'] },
  };
}

/** The runbook's "Rollback with Data Validation", as a drill of the registry: its plan and its section of the Testing Checklist. */
export const dataValidation = defineDrill({ id: 'data-validation', title: 'Rollback with Data Validation', plan: dataValidationPlan, checklist: dataValidationSection });
