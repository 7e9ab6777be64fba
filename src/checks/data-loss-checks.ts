import type { DrillWorld, TestState } from '../runner/world.ts';
import type { CheckDefinition } from './check.ts';
import { notMeasured } from './measure.ts';

/** Zero data loss, measured in the database by key (and values), at the points DESIGN §5 names. */
export function dataLossChecks(world: DrillWorld, state: TestState): CheckDefinition[] {
  const unconfigured = world.env.accounting ? {} : { unconfigured: 'accounting' };
  const checks: CheckDefinition[] = [
    {
      id: 'zero-data-loss',
      title: 'Zero data loss: every source record processed or quarantined (key-level, in the database)',
      unit: 'missing keys',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const after = state.facts.accountingAfter;
        if (!after) return notMeasured('record accounting');
        const message = after.missingKeys ? `${after.missingKeys} of ${after.sourceKeys} source keys not accounted for; sample: ${after.missingSample.join(', ')}` : undefined;
        return { value: after.missingKeys, evidence: after.evidence, ...(message ? { message } : {}) };
      },
    },
    {
      id: 'records-accounted-once',
      title: 'No record both processed and quarantined, none unknown to the source',
      unit: 'keys',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const after = state.facts.accountingAfter;
        return after ? { value: after.doublyAccounted + after.unexpectedKeys, evidence: after.evidence } : notMeasured('record accounting');
      },
    },
  ];
  if (world.env.cutover) {
    checks.push({
      id: 'cutover-gap-processed',
      title: 'Records that arrived while V2 was down were processed by V1',
      unit: 'keys lost',
      threshold: 0,
      comparator: '<=',
      measure: () => {
        const { accountingBefore: before, accountingAfter: after } = state.facts;
        if (!before || !after || !state.facts.cutoverRan) return notMeasured('the cutover gap');
        const arrived = after.sourceKeys - before.sourceKeys;
        if (arrived <= 0) return { value: undefined, message: 'no record arrived during the cutover: nothing to prove' };
        return { value: Math.max(0, after.missingKeys - before.missingKeys), evidence: after.evidence, message: `${arrived} source keys arrived during the cutover` };
      },
    });
  }
  return checks;
}


/**
 * Test 4's records: after V2 picked up from V1's state, no source record was skipped (every key is
 * processed or quarantined, those that arrived under V1 included) and none was processed again.
 */
export function forwardRecordChecks(world: DrillWorld, state: TestState, _scope: () => unknown): CheckDefinition[] {
  const unconfigured = !world.env.accounting ? { unconfigured: 'accounting' } : !world.env.cutover ? { unconfigured: 'cutover (records must arrive while V1 is in charge)' } : {};
  return [
    {
      id: 'no-skipped-records',
      title: 'V2 picked up every record that arrived while V1 was in charge (none skipped)',
      unit: 'keys skipped',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const after = state.facts.accountingForward;
        if (!after) return notMeasured('record accounting after the roll-forward');
        return { value: after.missingKeys, evidence: after.evidence, ...(after.missingKeys ? { message: `${after.missingKeys} of ${after.sourceKeys} source keys neither processed nor quarantined; sample: ${after.missingSample.join(', ')}` } : {}) };
      },
    },
    {
      id: 'no-reprocessing',
      title: 'V2 did not process again what V1 had handled (no key processed twice)',
      unit: 'keys',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const after = state.facts.accountingForward;
        if (!after) return notMeasured('record accounting after the roll-forward');
        return { value: after.doublyAccounted, evidence: after.evidence };
      },
    },
  ];
}
