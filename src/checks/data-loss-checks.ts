import type { AccountingFacts, DrillWorld, TestState } from '../runner/world.ts';
import type { CheckDefinition, Measurement } from './check.ts';
import { notMeasured, sample } from './measure.ts';

/**
 * Zero data loss, measured in the database by key and value, at the three points docs/checks.md names, each its own
 * check with its own evidence: V2 before the rollback (a), every key after it (b) — each cutover arrival
 * by key —, V1 vs V2 on the same data (c, Test 2's sameRecordsCheck); plus multiplicity (a key counted
 * twice) and values (a key present with a wrong value).
 */
export function dataLossChecks(world: DrillWorld, state: TestState): CheckDefinition[] {
  const accounting = world.env.accounting;
  const unconfigured = accounting ? {} : { unconfigured: 'accounting' };
  const checks: CheckDefinition[] = [
    {
      id: 'v2-no-data-loss',
      title: 'V2 lost no record before the rollback (every key it was asked to handle processed or quarantined)',
      unit: 'keys lost',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => missing(state.facts.accountingBefore, 'V2 lost', 'before the rollback'),
    },
    {
      id: 'zero-data-loss',
      title: 'Zero data loss after the rollback: every source record processed or quarantined (by key, in the database)',
      unit: 'missing keys',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => missing(state.facts.accountingAfter, '', 'after the rollback'),
    },
    {
      id: 'records-accounted-once',
      title: 'Each record accounted for once: none processed twice, none both processed and quarantined, none unknown to the source',
      unit: 'keys',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const a = state.facts.accountingAfter;
        if (!a) return notMeasured('record accounting');
        const parts = [
          a.processedTwice && `${a.processedTwice} processed twice`,
          a.quarantinedTwice && `${a.quarantinedTwice} quarantined twice`,
          a.doublyAccounted && `${a.doublyAccounted} processed and quarantined`,
          a.unexpectedKeys && `${a.unexpectedKeys} unknown to the source (${sample(a.unexpectedSample, a.unexpectedKeys, 3)})`,
        ].filter(Boolean);
        const value = a.processedTwice + a.quarantinedTwice + a.doublyAccounted + a.unexpectedKeys;
        return {
          value,
          evidence: a.evidence,
          ...(value ? { message: `${parts.join(', ')}; e.g. ${sample(a.repeatedSample, a.processedTwice + a.quarantinedTwice + a.doublyAccounted, 3)}` } : {}),
        };
      },
    },
    {
      id: 'record-values-match',
      title: `Every processed record holds its source values (${accounting?.valueColumns.join(', ') || 'no value column configured'}, a typed hash per key)`,
      unit: 'keys',
      threshold: 0,
      comparator: '<=',
      ...(accounting ? (accounting.valueColumns.length ? {} : { unconfigured: 'accounting.valueColumns' }) : unconfigured),
      measure: () => {
        const a = state.facts.accountingAfter;
        if (!a) return notMeasured('record accounting');
        return {
          value: a.valueMismatches,
          evidence: a.evidence,
          ...(a.valueMismatches ? { message: `${a.valueMismatches} key(s) with another value: ${sample(a.valueSample, a.valueMismatches, 2)}` } : {}),
        };
      },
    },
  ];
  if (world.env.cutover) {
    checks.push({
      id: 'cutover-gap-processed',
      title: 'Every record that arrived while V2 was down was processed or quarantined by V1 (by key)',
      unit: 'keys lost',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const arrivals = state.facts.accountingArrivals;
        if (!arrivals) return notMeasured('the cutover arrivals');
        if (arrivals.sourceKeys === 0) return { value: undefined, message: 'no record arrived during the cutover: nothing to prove' };
        return {
          value: arrivals.missingKeys,
          evidence: arrivals.evidence,
          message: arrivals.missingKeys
            ? `${arrivals.missingKeys} of the ${arrivals.sourceKeys} keys that arrived during the cutover lost: ${sample(arrivals.missingSample, arrivals.missingKeys)}`
            : `${arrivals.sourceKeys} source keys arrived during the cutover`,
        };
      },
    });
  }
  return checks;
}

/** (c) of Test 2: V1 from scratch on data set D processed and quarantined exactly what V2 did, with the same values. */
export function sameRecordsCheck(world: DrillWorld, state: TestState): CheckDefinition {
  return {
    id: 'same-records-v1-v2',
    title: 'V1 and V2 on the same data processed the same records with the same values, and quarantined the same ones',
    unit: 'records',
    threshold: 0,
    comparator: '<=',
    ...(world.env.accounting ? {} : { unconfigured: 'accounting' }),
    measure: () => {
      const c = state.facts.versionRecords;
      if (!c) return notMeasured('the records of both versions');
      return { value: c.differences, evidence: c.evidence, ...(c.differences ? { message: c.lines.join('; ') } : {}) };
    },
  };
}

function missing(a: AccountingFacts | undefined, who: string, when: string): Measurement {
  if (!a) return notMeasured('record accounting');
  if (!a.missingKeys) return { value: 0, evidence: a.evidence };
  const lead = who ? `${who} ${a.missingKeys} record(s) ${when}` : `${a.missingKeys} of ${a.sourceKeys} source keys neither processed nor quarantined ${when}`;
  const trigger = a.criterion
    ? a.criterion.fired
      ? `; the decision criteria call for a rollback: ${a.criterion.title}`
      : `; the decision criteria did not fire (${a.criterion.title})`
    : '';
  return { value: a.missingKeys, evidence: a.evidence, message: `${lead}; sample: ${sample(a.missingSample, a.missingKeys)}${trigger}` };
}

/**
 * Test 4's records: after V2 picked up from V1's state, no source record was skipped (every key is
 * processed or quarantined, those that arrived under V1 included) and none was processed again.
 */
export function forwardRecordChecks(world: DrillWorld, state: TestState): CheckDefinition[] {
  const unconfigured = !world.env.accounting ? { unconfigured: 'accounting' } : !world.env.cutover ? { unconfigured: 'cutover (records must arrive while V1 is in charge)' } : {};
  return [
    {
      id: 'no-skipped-records',
      title: 'V2 picked up every record that arrived while V1 was in charge (none skipped)',
      unit: 'keys skipped',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => missing(state.facts.accountingForward, '', 'after V2 picked up again'),
    },
    {
      id: 'no-reprocessing',
      title: 'V2 did not process again what V1 had handled (no key processed twice or processed and quarantined)',
      unit: 'keys',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const a = state.facts.accountingForward;
        if (!a) return notMeasured('record accounting after the roll-forward');
        const value = a.processedTwice + a.doublyAccounted;
        return {
          value,
          evidence: a.evidence,
          ...(value ? { message: `${a.processedTwice} processed twice, ${a.doublyAccounted} processed and quarantined; e.g. ${sample(a.repeatedSample, value, 3)}` } : {}),
        };
      },
    },
  ];
}
