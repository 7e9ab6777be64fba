import { kpiId, type KpiPoint } from '../../checks/kpi-compare.ts';
import type { DrillWorld, TestState } from '../world.ts';

/**
 * The KPI points V2's re-run recomputed: those the configured query names (by run id or time window),
 * or, by default, those whose value changed or that appeared between just before and just after the
 * re-run. Undefined until both sides are known.
 */
export function recomputedPoints(world: DrillWorld, state: TestState): { keys: Set<string>; periods: string[] } | undefined {
  const { kpisBeforeForward: before, kpisAfterForward: after, recomputedKeys } = state.facts;
  if (!after) return undefined;
  let points: KpiPoint[];
  if (world.env.kpis?.recomputed.kind === 'query') {
    if (!recomputedKeys) return undefined;
    const wanted = new Set(recomputedKeys);
    points = after.points.filter((p) => wanted.has(kpiId(p)));
  } else {
    if (!before) return undefined;
    const previous = new Map(before.points.map((p) => [kpiId(p), p.value]));
    points = after.points.filter((p) => !previous.has(kpiId(p)) || previous.get(kpiId(p)) !== p.value);
  }
  return { keys: new Set(points.map(kpiId)), periods: [...new Set(points.map((p) => p.asOf))].sort() };
}
