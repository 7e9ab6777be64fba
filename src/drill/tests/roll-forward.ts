import type { CheckDefinition } from '../../checks/check.ts';
import type { Evidence } from '../evidence.ts';
import type { DrillPlan } from '../runner.ts';
import { runPipeline } from '../steps/run-pipeline.ts';
import { deployService } from '../steps/start-service.ts';
import { stopService } from '../steps/stop-service.ts';
import { newTestState, type DrillWorld } from '../world.ts';
import { kpiChecks, verificationChecks } from './checks.ts';
import { fingerprintSchemaNow, finishNotifications, preRollback, readKpisNow, rollback, v2Running, verify } from './phases.ts';
import { emergencyPath } from '../steps/emergency.ts';


/**
 * Test 4 of the runbook, "Rollback-Forward Recovery": roll back to V1 and verify it, then re-deploy
 * V2 and run it again on the same data. V2's KPIs must match its previous run, with no duplicate
 * rows, and the schema and constraints must be exactly as before: no state corruption.
 */
export function rollForwardPlan(world: DrillWorld, evidence: Evidence): DrillPlan {
  const state = newTestState('roll-forward', evidence);
  const steps = [
    ...v2Running(world, state),
    ...preRollback(world, state, 'roll-forward drill'),
    ...rollback(world, state, { cutover: false }),
    ...verify(world, state),
    stopService(world, state, 'v1', 'forward'),
    deployService(world, state, 'v2', 'forward', { id: 'redeploy-v2', title: 'Re-deploy V2, start it and wait until healthy' }),
    runPipeline(world, state, 'v2', 'forward'),
    ...(world.env.kpis ? [readKpisNow(world, state, 'kpisAfterForward', 'read-kpis-after-forward', "Read V2's KPIs after the roll-forward", 'forward')] : []),
    fingerprintSchemaNow(world, state, 'schemaAfter', 'fingerprint-schema-after', 'forward'),
  ];
  const redeployed: CheckDefinition = {
    id: 'v2-redeployed',
    title: 'V2 re-deployment successful (healthy and through a complete run)',
    threshold: true,
    comparator: '==',
    measure: (test) => {
      const forward = test.steps.filter((s) => s.id === 'redeploy-v2' || (s.id === 'v2-run' && s.phase === 'forward'));
      if (forward.length < 2 || forward.some((s) => s.status === 'skipped')) return { value: undefined, message: 'the re-deployment was not attempted' };
      return { value: forward.every((s) => s.status === 'passed') };
    },
  };
  const schemaUnchanged: CheckDefinition = {
    id: 'schema-unchanged',
    title: 'No state corruption: schema and constraints unchanged',
    threshold: true,
    comparator: '==',
    measure: () => {
      const before = state.facts.schemaBefore;
      const after = state.facts.schemaAfter;
      if (!before || !after) return { value: undefined, message: 'schema fingerprints not taken' };
      return { value: before.hash === after.hash, evidence: after.evidence, ...(before.hash === after.hash ? {} : { message: `compare ${before.evidence} with ${after.evidence}` }) };
    },
  };
  return {
    id: 'roll-forward',
    title: 'Rollback-Forward Recovery',
    steps,
    checks: [
      redeployed,
      ...kpiChecks(world, { variance: 'consistent-outputs', missing: 'no-duplicate-rows' }, 'V2 after roll-forward vs its previous run', () => ({
        reference: state.facts.kpisBefore,
        candidate: state.facts.kpisAfterForward,
      }), { reference: 'V2 before', candidate: 'V2 after' }),
      schemaUnchanged,
      ...verificationChecks(world, state),
    ],
    finish: finishNotifications(world, state),
    emergency: { steps: emergencyPath(world, state), whenChecksFail: ['v1-operational'] },
  };
}
