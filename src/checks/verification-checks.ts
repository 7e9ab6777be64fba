import type { DrillWorld, TestState } from '../runner/world.ts';
import { describeRun } from '../pipeline/run-pipeline.ts';
import { evaluateCheck, type CheckDefinition } from './check.ts';
import { notMeasured, recorded, sample } from './measure.ts';

/**
 * The runbook's post-rollback verification, one check per item, plus "V1 fully operational" over all
 * of them. Each reads what verify-v1 and validate-v1 recorded, even when those steps failed.
 */
export function verificationChecks(world: DrillWorld, state: TestState): CheckDefinition[] {
  const v = () => state.facts.verification;
  const { validation, verification } = world.env;
  const noRun = world.env.v1.run.kind === 'none' ? ` (${describeRun(world.env.v1.run)}: rows written since V1 started)` : '';
  const items: CheckDefinition[] = [
    {
      id: 'v1-health-ok',
      title: 'Health check passing',
      threshold: true,
      comparator: '==',
      measure: () => (v() ? { value: v()!.healthy, evidence: v()!.evidence, ...(v()!.healthy ? {} : { message: v()!.health }) } : notMeasured('V1 health')),
    },
    {
      id: 'v1-kpis-produced',
      title: `KPI calculations producing values (rows written by V1's run${noRun})`,
      unit: 'rows',
      threshold: 1,
      comparator: '>=',
      ...(validation.kpiRows ? {} : { unconfigured: 'validation.kpiRows' }),
      measure: (test) => {
        const rows = recorded(test, 'validate-v1', 'kpiRows');
        const whole = recorded(test, 'validate-v1', 'kpiSetPoints');
        if (typeof whole === 'number')
          return { value: whole, message: `${String(recorded(test, 'validate-v1', 'kpiScope'))}: ${whole} points (the run wrote ${String(rows ?? 0)} rows)` };
        return typeof rows === 'number' ? { value: rows } : notMeasured('V1 KPI rows');
      },
    },
    {
      id: 'v1-outputs-written',
      title: 'Output files being generated (each one decoded)',
      unit: 'files',
      threshold: 1,
      comparator: '>=',
      ...(validation.outputs ? {} : { unconfigured: 'validation.outputs' }),
      measure: (test) => {
        const files = recorded(test, 'validate-v1', 'outputFiles');
        if (typeof files !== 'number') return notMeasured('V1 output files');
        const broken = recorded(test, 'validate-v1', 'outputErrors');
        const scope = recorded(test, 'validate-v1', 'outputsScope');
        if (Array.isArray(broken) && broken.length > 0) return { value: 0, message: `${broken.length} unreadable or empty: ${sample(broken as string[], broken.length, 2)}` };
        return { value: files, ...(typeof scope === 'string' ? { message: scope } : {}) };
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
        return { value: facts.errorLines.length, evidence: facts.evidence, ...(facts.errorLines.length ? { message: facts.errorLines[0]!.slice(0, 200) } : {}) };
      },
    },
    {
      id: 'v1-db-connectivity',
      title: `Database connectivity confirmed (as V1 sees it: ${verification.dbConnectivity.kind})`,
      threshold: true,
      comparator: '==',
      measure: () => (v() ? { value: v()!.db.ok, evidence: v()!.evidence, message: v()!.db.how } : notMeasured('database connectivity')),
    },
  ];
  if (world.env.blob) {
    items.push({
      id: 'v1-outputs-published',
      title: 'Output files published to blob storage (every file V1 wrote, same path and size)',
      unit: 'files missing',
      threshold: 0,
      comparator: '<=',
      measure: (test) => {
        const written = recorded(test, 'validate-v1', 'outputFiles');
        const found = recorded(test, 'validate-v1', 'blobFiles');
        if (typeof written !== 'number' || typeof found !== 'number') return notMeasured('V1 outputs in blob storage');
        const missing = recorded(test, 'validate-v1', 'blobMissing');
        return { value: written - found, ...(Array.isArray(missing) && missing.length ? { message: sample(missing as string[], missing.length, 3) } : {}) };
      },
    });
  }
  const phases = verification.phases;
  if (phases) {
    const names = phases.kind === 'log' ? Object.keys(phases.patterns) : phases.names;
    items.unshift({
      id: 'v1-phases-executed',
      title: `All ${names.length} pipeline phases executing (${names.join(', ')}; from ${phases.kind === 'health' ? 'the health answer' : phases.kind === 'sql' ? 'a query' : 'the log'})`,
      unit: 'phases',
      threshold: names.length,
      comparator: '>=',
      measure: () => {
        const facts = v()?.phases;
        if (!facts) return notMeasured('V1 phases');
        const failed = Object.entries(facts).filter(([, p]) => !p.ok);
        return { value: names.length - failed.length, evidence: v()!.evidence, ...(failed.length ? { message: failed.map(([p, s]) => `${p}: ${s.seen}`).join(', ') } : {}) };
      },
    });
  }
  const operational: CheckDefinition = {
    id: 'v1-operational',
    title: 'V1 fully operational (every post-rollback verification item passed)',
    threshold: true,
    comparator: '==',
    measure: async (test) => {
      const results = await Promise.all(items.map((c) => evaluateCheck(c, test, world.env.waive)));
      const failed = results.filter((r) => r.status === 'failed').map((r) => r.id);
      if (failed.length) return { value: false, message: `failed: ${failed.join(', ')}` };
      if (results.some((r) => r.status === 'inconclusive' || r.status === 'error')) return notMeasured('part of the verification');
      const waived = results.filter((r) => r.status === 'waived').map((r) => r.id);
      return { value: true, ...(waived.length ? { message: `waived: ${waived.join(', ')}` } : {}) };
    },
  };
  return [...items, operational];
}
