import type { DrillWorld, KpiFacts } from '../runner/world.ts';
import type { CheckDefinition } from './check.ts';
import { compareKpis, describeComparison, describeWorst, type KpiPoint, type VersionLabels } from '../kpis/kpi-compare.ts';
import { notMeasured } from './measure.ts';

export interface KpiSides {
  reference?: KpiFacts;
  candidate?: KpiFacts;
  /** What the comparison covers when it is a part of the KPI set (the periods a re-run recomputed). */
  scope?: { points: (point: KpiPoint) => boolean; description: string };
}

/**
 * KPI variance per KPI × as-of × segment, and no point missing on either side: every point within
 * the tolerance (relative, or absolute near zero, where a percentage means nothing). The value of the
 * variance check is how many points are out of tolerance, so a zero reference never shows as an
 * absurd percentage; its message names the worst point with both values.
 */
export function kpiChecks(world: DrillWorld, ids: { variance: string; missing: string }, title: string, sides: () => KpiSides, labels: VersionLabels): CheckDefinition[] {
  const kpis = world.env.kpis;
  const tolerance = kpis?.tolerance ?? 0.01;
  const absoluteTolerance = kpis?.absoluteTolerance ?? 1e-6;
  const unconfigured = kpis ? {} : { unconfigured: 'kpis' };
  const compare = () => {
    const { reference, candidate, scope } = sides();
    if (!reference || !candidate) return undefined;
    const pick = (points: KpiPoint[]) => (scope ? points.filter(scope.points) : points);
    const result = compareKpis(pick(reference.points), pick(candidate.points), { tolerance, absoluteTolerance });
    return { result, evidence: candidate.evidence, scope: scope?.description };
  };
  return [
    {
      id: ids.variance,
      title: `${title}: every KPI within ${tolerance * 100}% (±${absoluteTolerance} near zero)`,
      unit: 'points out of tolerance',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const c = compare();
        if (!c) return notMeasured('the KPIs of both sides');
        if (c.result.compared === 0) return { value: undefined, message: `no KPI point to compare${c.scope ? ` in ${c.scope}` : ''}` };
        return { value: c.result.outOfTolerance, evidence: c.evidence, message: `${c.scope ? `${c.scope}: ` : ''}${describeComparison(c.result, labels)}` };
      },
    },
    {
      id: ids.missing,
      title: `${title}: no missing, duplicated or non-numeric data point`,
      unit: 'points',
      threshold: 0,
      comparator: '<=',
      ...unconfigured,
      measure: () => {
        const c = compare();
        if (!c) return notMeasured('the KPIs of both sides');
        const r = c.result;
        const bad = r.missingInCandidate.length + r.missingInReference.length + r.duplicates.length + r.nonFinite.length;
        return { value: bad, evidence: c.evidence, ...(bad ? { message: describeWorst(r, labels) } : {}) };
      },
    },
  ];
}

/**
 * "All metrics restored": every KPI point V2 had produced before the rollback is there after it, and,
 * outside the periods that may legitimately change (the restored version recomputes them), holds the
 * same value within the tolerance. A deleted or rewritten point fails and is named.
 */
export function metricsRestoredCheck(world: DrillWorld, sides: () => { before?: KpiFacts; after?: KpiFacts; mayChange?: ReadonlySet<string> }): CheckDefinition {
  const tolerance = world.env.kpis?.tolerance ?? 0.01;
  const absoluteTolerance = world.env.kpis?.absoluteTolerance ?? 1e-6;
  return {
    id: 'metrics-restored',
    title: 'All metrics restored (every KPI point V2 had produced is there, unchanged outside the periods V1 recomputes)',
    unit: 'points missing or changed',
    threshold: 0,
    comparator: '<=',
    ...(world.env.kpis ? {} : { unconfigured: 'kpis' }),
    measure: () => {
      const { before, after, mayChange } = sides();
      if (!before || !after) return notMeasured('the KPIs before and after the rollback');
      const recomputed = mayChange ?? new Set<string>();
      const kept = (p: KpiPoint) => !recomputed.has(p.asOf);
      const stable = compareKpis(before.points.filter(kept), after.points.filter(kept), { tolerance, absoluteTolerance });
      const afterKeys = new Set(after.points.map((p) => `${p.asOf}\u0000${p.segment}\u0000${p.kpi}`));
      const gone = before.points.filter((p) => !kept(p) && !afterKeys.has(`${p.asOf}\u0000${p.segment}\u0000${p.kpi}`));
      const bad = stable.missingInCandidate.length + stable.outOfTolerance + stable.nonFinite.length + gone.length;
      const labels = { reference: 'before', candidate: 'after' };
      const message = gone.length
        ? `${gone.length} point(s) of a recomputed period gone: ${gone
            .slice(0, 3)
            .map((p) => `${p.kpi} ${p.asOf} ${p.segment}`)
            .join(', ')}`
        : `${before.points.length} points V2 had produced; ${recomputed.size ? `periods recomputed by V1 (${[...recomputed].join(', ')}) checked for presence only` : 'all compared by value'}; ${describeWorst(stable, labels)}`;
      return { value: bad, evidence: after.evidence, message };
    },
  };
}
