import type { Evidence } from '../evidence.ts';
import type { DrillPlan } from '../runner.ts';
import type { DrillWorld } from '../world.ts';
import { dataValidationPlan } from './data-validation.ts';
import { dryRunPlan } from './dry-run.ts';
import { rollbackTimePlan } from './rollback-time.ts';
import { rollForwardPlan } from './roll-forward.ts';

export type PlanFactory = (world: DrillWorld, evidence: Evidence) => DrillPlan;

/** The runbook's tests, in the order a run executes them. */
export const testPlans: Record<string, PlanFactory> = {
  'dry-run': dryRunPlan,
  'data-validation': dataValidationPlan,
  'rollback-time': rollbackTimePlan,
  'roll-forward': rollForwardPlan,
};

export const testIds = Object.keys(testPlans);
