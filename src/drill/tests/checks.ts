import { evaluateCheck, type CheckDefinition, type Measurement } from '../../checks/check.ts';
import { compareKpis, describeWorst, type KpiPoint } from '../../checks/kpi-compare.ts';
import type { TestRecord } from '../journal-types.ts';
import type { DrillWorld, TestState } from '../world.ts';

/**
 * The checks of the four runbook tests, as data over the facts the steps measured. A fact that
 * was never measured (its step failed or was skipped) makes a check inconclusive, never passed.
 */

const notMeasured = (what: string): Measurement => ({ value: undefined, message: `${what} was not measured` });
const output = (test: TestRecord, stepId: string, key: string): unknown => test.steps.find((s) => s.id === stepId && s.status === 'passed')?.output?.[key];

export function preRollbackChecks(world: DrillWorld, state: TestState): CheckDefinition[] {
  return [
    {
      id: 'backup-restores',
      title: 'Database backup taken and proven to restore (fingerprints equal)',
      threshold: true,
      comparator: '==',
      measure: () => {
        const r = state.facts.restore;
        if (!r) return notMeasured('the restore proof');
        const ok = r.restored && r.differences === 0 && r.schemaMatches;
        return { value: ok, evidence: r.evidence, ...(ok ? {} : { message: r.error ?? `${r.differences} table(s) differ after restore` }) };
      },
    },
    {
      id: 'pre-rollback-within-budget',
      title: `Pre-rollback checklist within ${world.env.budgets.preRollbackMs / 1000} s`,
      unit: 'ms',
      threshold: world.env.budgets.preRollbackMs,
      comparator: '<=',
      measure: (test) => (test.preRollbackMs === undefined ? notMeasured('the pre-rollback phase') : { value: test.preRollbackMs }),
    },
  ];
}

/** The runbook's post-rollback verification, one check per item, plus "V1 fully operational" over all of them. */
export function verificationChecks(world: DrillWorld, state: TestState): CheckDefinition[] {
  const v = () => state.facts.verification;
  const items: CheckDefinition[] = [
    { id: 'v1-health-ok', title: 'Health check passing', threshold: true, comparator: '==', measure: () => (v() ? { value: v()!.healthy, evidence: v()!.evidence } : notMeasured('V1 health')) },
    {
      id: 'v1-kpis-produced',
      title: 'KPI calculations producing values (rows written by V1’s run)',
      unit: 'rows',
      threshold: 1,
      comparator: '>=',
      measure: (test) => {
        const rows = output(test, 'validate-v1', 'kpiRows');
        return typeof rows === 'number' ? { value: rows } : notMeasured('V1 KPI rows');
      },
    },
    {
      id: 'v1-outputs-written',
      title: 'Output files being generated (decoded)',
      unit: 'files',
      threshold: 1,
      comparator: '>=',
      measure: (test) => {
        const files = output(test, 'validate-v1', 'outputFiles');
        return typeof files === 'number' ? { value: files } : notMeasured('V1 output files');
      },
    },
    {
      id: 'v1-no-error-logs',
      title: 'No errors in V1’s logs',
      unit: 'lines',
      threshold: 0,
      comparator: '<=',
      measure: () => {
        const facts = v();
        if (!facts) return notMeasured('V1 log');
        return { value: facts.errorLines.length, evidence: facts.evidence, ...(facts.errorLines.length ? { message: facts.errorLines[0]! } : {}) };
      },
    },
    { id: 'v1-db-connectivity', title: 'Database connectivity confirmed', threshold: true, comparator: '==', measure: () => (v() ? { value: v()!.dbOk } : notMeasured('database connectivity')) },
  ];
  if (world.blob) {
    items.push({
      id: 'v1-outputs-published',
      title: 'Output files published to blob storage (every file V1 wrote, same path and size)',
      unit: 'files missing',
      threshold: 0,
      comparator: '<=',
      measure: (test) => {
        const written = output(test, 'validate-v1', 'outputFiles');
        const found = output(test, 'validate-v1', 'blobFiles');
        if (typeof written !== 'number' || typeof found !== 'number') return notMeasured('V1 outputs in blob storage');
        const missing = output(test, 'validate-v1', 'blobMissing');
        return { value: written - found, ...(Array.isArray(missing) && missing.length ? { message: missing.slice(0, 3).join('; ') } : {}) };
      },
    });
  }
  if (world.env.verification.phases.length > 0) {
    items.unshift({
      id: 'v1-phases-executed',
      title: `All ${world.env.verification.phases.length} pipeline phases executing (${world.env.verification.phases.join(', ')})`,
      unit: 'phases',
      threshold: world.env.verification.phases.length,
      comparator: '>=',
      measure: () => {
        const facts = v();
        if (!facts) return notMeasured('V1 phases');
        const failed = Object.entries(facts.phases).filter(([, s]) => !world.env.verification.phaseSucceeded.includes(s));
        return { value: facts.phasesOk, evidence: facts.evidence, ...(failed.length ? { message: failed.map(([p, s]) => `${p}: ${s}`).join(', ') } : {}) };
      },
    });
  }
  const operational: CheckDefinition = {
    id: 'v1-operational',
    title: 'V1 fully operational (every post-rollback verification item passed)',
    threshold: true,
    comparator: '==',
    measure: async (test) => {
      const results = await Promise.all(items.map((c) => evaluateCheck(c, test)));
      if (results.some((r) => r.status === 'inconclusive' || r.status === 'error')) return notMeasured('part of the verification');
      const failed = results.filter((r) => r.status === 'failed').map((r) => r.id);
      return { value: failed.length === 0, ...(failed.length ? { message: `failed: ${failed.join(', ')}` } : {}) };
    },
  };
  return [...items, operational];
}

export function dataLossChecks(world: DrillWorld, state: TestState): CheckDefinition[] {
  if (!world.env.accounting) return [];
  const checks: CheckDefinition[] = [
    {
      id: 'zero-data-loss',
      title: 'Zero data loss: every source record processed or quarantined (key-level, in the database)',
      unit: 'missing keys',
      threshold: 0,
      comparator: '<=',
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

export function historyCheck(world: DrillWorld, state: TestState): CheckDefinition[] {
  if (!world.env.history) return [];
  return [
    {
      id: 'history-intact',
      title: 'Historical metrics intact (pre-rollback fingerprints equal)',
      unit: 'rows changed',
      threshold: 0,
      comparator: '<=',
      measure: () => {
        const r = state.facts.historyComparison;
        if (!r) return notMeasured('historical metrics');
        // A period can differ with no row named (e.g. only its fingerprint moved): still a failure.
        const changed = r.intact ? 0 : Math.max(r.changedRowCount, 1);
        const message = r.intact
          ? undefined
          : r.changedRows.map((row) => `${Object.values(row.key).join(' ')}: ${JSON.stringify(row.before)} → ${JSON.stringify(row.after)}`).join('; ') ||
            `periods changed: ${r.changedPeriods.join(', ')}`;
        return { value: changed, evidence: r.evidence, ...(message ? { message } : {}) };
      },
    },
  ];
}

/** KPI variance per KPI × as-of × segment, and no point missing on either side. */
export function kpiChecks(
  world: DrillWorld,
  ids: { variance: string; missing: string },
  title: string,
  sides: () => { reference?: { points: KpiPoint[]; evidence: string }; candidate?: { points: KpiPoint[]; evidence: string } },
  labels: { reference: string; candidate: string },
): CheckDefinition[] {
  const tolerance = world.env.kpis?.tolerance ?? 0.01;
  const compare = () => {
    const { reference, candidate } = sides();
    if (!reference || !candidate) return undefined;
    return { result: compareKpis(reference.points, candidate.points, { tolerance }), evidence: candidate.evidence };
  };
  return [
    {
      id: ids.variance,
      title: `${title}: largest variance below ${tolerance * 100}%`,
      unit: '%',
      threshold: tolerance * 100,
      comparator: '<',
      measure: () => {
        const c = compare();
        if (!c) return notMeasured('the KPIs of both versions');
        return { value: round(c.result.maxVariance * 100), evidence: c.evidence, message: `${c.result.compared} points compared; worst: ${describeWorst(c.result, labels)}` };
      },
    },
    {
      id: ids.missing,
      title: `${title}: no missing, duplicated or non-numeric data point`,
      unit: 'points',
      threshold: 0,
      comparator: '<=',
      measure: () => {
        const c = compare();
        if (!c) return notMeasured('the KPIs of both versions');
        const r = c.result;
        const bad = r.missingInCandidate.length + r.missingInReference.length + r.duplicates.length + r.nonFinite.length;
        return { value: bad, evidence: c.evidence, ...(bad ? { message: describeWorst(r, labels) } : {}) };
      },
    },
  ];
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
