import type { Evidence } from '../evidence.ts';
import type { DrillPlan } from '../runner.ts';
import type { DrillWorld } from '../world.ts';
import { rollbackTimePlan } from './rollback-time.ts';

export type PlanFactory = (world: DrillWorld, evidence: Evidence) => DrillPlan;

/** The runbook's tests, in the order a run executes them. */
export const testPlans: Record<string, PlanFactory> = {
  'rollback-time': rollbackTimePlan,
};

export const testIds = Object.keys(testPlans);
