import { budgetChecks } from '../checks/budget-checks.ts';
import type { DrillPlan } from '../runner/runner.ts';
import { defineDrill } from './drill-plugin.ts';
import { rollbackTimeSection } from '../journal/checklist.ts';
import { captureLogs } from './steps/capture-logs.ts';
import { prepareDatabase } from './steps/prepare-database.ts';
import { restoreConfig } from './steps/restore-config.ts';
import { completeRun } from './steps/complete-run.ts';
import { runSetup } from './steps/run-setup.ts';
import { deployService, startService, waitServiceHealthy } from './steps/start-service.ts';
import { stopService } from './steps/stop-service.ts';
import { validateRun } from './steps/validate-run.ts';
import { newTestState, type DrillWorld } from '../runner/world.ts';
import type { Evidence } from '../runner/evidence.ts';

/**
 * Test 3 of the runbook, "Rollback Time Measurement": V2 deployed and through a run, then the
 * four execution steps, each timed. The rollback window runs from "stop V2" being issued to V1
 * healthy AND its first KPI run validated; it must fit the budget (300 s by default).
 */
export function rollbackTimePlan(world: DrillWorld, evidence: Evidence): DrillPlan {
  const state = newTestState('rollback-time', evidence);
  const steps = [
    prepareDatabase(world, state),
    runSetup(world, state),
    deployService(world, state, 'v2'),
    completeRun(world, state, 'v2', 'setup'),
    stopService(world, state, 'v2'),
    captureLogs(state, 'v2'),
    restoreConfig(world, state, 'v1'),
    startService(world, state, 'v1', 'rollback'),
    waitServiceHealthy(world, state, 'v1', 'rollback'),
    validateRun(world, state, 'v1'),
  ];
  return {
    id: 'rollback-time',
    title: 'Rollback Time Measurement',
    steps,
    checks: budgetChecks(
      world,
      steps.map((s) => s.id),
    ),
  };
}

/** The runbook's "Rollback Time Measurement", as a drill of the registry: its plan and its section of the Testing Checklist. */
export const rollbackTime = defineDrill({ id: 'rollback-time', title: 'Rollback Time Measurement', plan: rollbackTimePlan, checklist: rollbackTimeSection });
