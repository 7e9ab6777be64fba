import { HarnessError } from '../errors.ts';

/** One KPI value of one version. `null` is "no value" (e.g. a rate with a zero denominator). */
export interface KpiPoint {
  /** YYYY-MM-DD */
  asOf: string;
  segment: string;
  kpi: string;
  value: number | null;
}

export interface KpiKey {
  asOf: string;
  segment: string;
  kpi: string;
}

export interface KpiDifference extends KpiKey {
  reference: number | null;
  candidate: number | null;
  /** |candidate − reference| / |reference|, or, when the reference is near zero (|reference| · tolerance < absoluteTolerance), the difference measured in tolerance bands: |candidate − reference| / absoluteTolerance × tolerance. */
  variance: number;
  /** The reference was too close to zero for a percentage to mean anything: judged by the absolute difference. */
  nearZero: boolean;
}

export interface KpiComparison {
  /** Keys present exactly once on both sides and compared by value. */
  compared: number;
  /** Compared points whose difference is beyond the tolerance (relative, or absolute near zero). */
  outOfTolerance: number;
  absoluteTolerance: number;
  /** Largest variance among compared keys (0 when none). Decide on `withinTolerance`, not on this alone. */
  maxVariance: number;
  /** False when any variance ≥ tolerance or anything is missing, duplicated or non-finite. */
  withinTolerance: boolean;
  tolerance: number;
  /** The largest non-zero variances, largest first. */
  worst: KpiDifference[];
  missingInCandidate: KpiKey[];
  missingInReference: KpiKey[];
  /** Keys found more than once on either side: they cannot be paired, so they are not compared. */
  duplicates: KpiKey[];
  /** NaN or ±Infinity on either side, or null on one side only. */
  nonFinite: KpiKey[];
}

export interface CompareOptions {
  tolerance?: number;
  /**
   * Near zero a percentage means nothing (0 vs 0.000001 is "infinitely" different): where
   * |reference| · tolerance < absoluteTolerance, a point is within tolerance when
   * |candidate − reference| < absoluteTolerance. 1e-6 by default.
   */
  absoluteTolerance?: number;
  /** How many of the worst differences to keep. */
  worst?: number;
}

/**
 * The KPI variance (docs/checks.md): variance = |candidate − reference| / max(|reference|, ε) per KPI × as-of × segment,
 * and every value must stay below the tolerance. The reference is the denominator: for Test 2 that
 * is V2's export (|v1 − v2| / max(|v2|, ε)); for Test 4, the previous V2 run.
 * A key present on one side only is a failure, never a skip: a KPI V1 silently stops producing is
 * exactly the data loss the drill exists to catch.
 */
export function compareKpis(reference: readonly KpiPoint[], candidate: readonly KpiPoint[], options: CompareOptions = {}): KpiComparison {
  const { tolerance = 0.01, absoluteTolerance = 1e-6, worst: keep = 10 } = options;
  if (!(Number.isFinite(tolerance) && tolerance > 0)) throw new HarnessError(`KPI tolerance must be a positive number, got ${tolerance}`);
  if (!(Number.isFinite(absoluteTolerance) && absoluteTolerance > 0)) throw new HarnessError(`KPI absolute tolerance must be a positive number, got ${absoluteTolerance}`);
  // The reference below which the absolute tolerance is the wider one: the variance's denominator never goes below it.
  const epsilon = absoluteTolerance / tolerance;
  if (!(Number.isInteger(keep) && keep >= 0)) throw new HarnessError(`KPI worst count must be a non-negative integer, got ${keep}`);

  const ref = index(reference);
  const cand = index(candidate);
  const duplicates = new Map<string, KpiKey>([...ref.duplicates, ...cand.duplicates]);
  // A key's id is only built when some key is duplicated: most comparisons have none.
  const duplicated = duplicates.size === 0 ? () => false : (point: KpiPoint) => duplicates.has(kpiId(point));
  const missingInCandidate: KpiKey[] = [];
  const missingInReference: KpiKey[] = [];
  const nonFinite: KpiKey[] = [];
  const differences: KpiDifference[] = [];
  let compared = 0;
  let outOfTolerance = 0;
  let maxVariance = 0;

  forEachPoint(ref.points, cand.points, (r, c) => {
    if (duplicated(r)) return;
    if (!c) {
      missingInCandidate.push(keyOf(r));
      return;
    }
    compared += 1;
    const variance = varianceOf(r.value, c.value, epsilon);
    if (variance === undefined) {
      nonFinite.push(keyOf(r));
      return;
    }
    maxVariance = Math.max(maxVariance, variance);
    if (variance >= tolerance) outOfTolerance += 1;
    if (variance > 0) keepWorst(differences, keep, r, c, variance, Math.abs(r.value ?? 0) < epsilon);
  });
  forEachPoint(cand.points, ref.points, (c, r) => {
    if (!r && !duplicated(c)) missingInReference.push(keyOf(c));
  });

  const problems = missingInCandidate.length + missingInReference.length + duplicates.size + nonFinite.length;
  return {
    compared,
    outOfTolerance,
    absoluteTolerance,
    maxVariance,
    withinTolerance: problems === 0 && maxVariance < tolerance,
    tolerance,
    worst: differences,
    missingInCandidate: missingInCandidate.sort(byKey),
    missingInReference: missingInReference.sort(byKey),
    duplicates: [...duplicates.values()].sort(byKey),
    nonFinite: nonFinite.sort(byKey),
  };
}

/** Both null: the versions agree there is no value. NaN, ±Infinity or one-sided null: undefined. */
function varianceOf(reference: number | null, candidate: number | null, epsilon: number): number | undefined {
  if (reference === null && candidate === null) return 0;
  if (reference === null || candidate === null) return undefined;
  if (!Number.isFinite(reference) || !Number.isFinite(candidate)) return undefined;
  if (reference === candidate) return 0;
  const variance = Math.abs(candidate - reference) / Math.max(Math.abs(reference), epsilon);
  // |1e308 − (−1e308)| overflows; such a pair is not a comparison anyone can trust.
  return Number.isFinite(variance) ? variance : undefined;
}

/** as-of → segment → KPI → point: lookups of the points' own strings, never a joined key built per point. */
type KpiIndex = Map<string, Map<string, Map<string, KpiPoint>>>;

function index(points: readonly KpiPoint[]): { points: KpiIndex; duplicates: Map<string, KpiKey> } {
  const byAsOf: KpiIndex = new Map();
  const duplicates = new Map<string, KpiKey>();
  for (const point of points) {
    let bySegment = byAsOf.get(point.asOf);
    if (!bySegment) byAsOf.set(point.asOf, (bySegment = new Map()));
    let byKpi = bySegment.get(point.segment);
    if (!byKpi) bySegment.set(point.segment, (byKpi = new Map()));
    if (byKpi.has(point.kpi)) duplicates.set(kpiId(point), keyOf(point));
    else byKpi.set(point.kpi, point);
  }
  return { points: byAsOf, duplicates };
}

/** Calls `visit` with every point of `points` and the point of `other` at the same key, if any. */
function forEachPoint(points: KpiIndex, other: KpiIndex, visit: (point: KpiPoint, match: KpiPoint | undefined) => void): void {
  for (const [asOf, bySegment] of points) {
    const otherBySegment = other.get(asOf);
    for (const [segment, byKpi] of bySegment) {
      const otherByKpi = otherBySegment?.get(segment);
      for (const [kpi, point] of byKpi) visit(point, otherByKpi?.get(kpi));
    }
  }
}

/** One string per (asOf, segment, kpi); the separator cannot occur in a date and is not printable. */
export function kpiId(key: KpiKey): string {
  return `${key.asOf}\u0000${key.segment}\u0000${key.kpi}`;
}

const worse = (a: KpiDifference, b: KpiDifference) => b.variance - a.variance || byKey(a, b);

/**
 * Keeps the `keep` largest differences, largest first (ties by key), in `into`: the same as sorting
 * every difference and slicing, without building or sorting one object per compared point.
 */
function keepWorst(into: KpiDifference[], keep: number, r: KpiPoint, c: KpiPoint, variance: number, nearZero: boolean): void {
  if (keep === 0) return;
  const last = into[into.length - 1];
  if (into.length === keep && last && (variance < last.variance || (variance === last.variance && byKey(r, last) > 0))) return;
  const difference: KpiDifference = { ...keyOf(r), reference: r.value, candidate: c.value, variance, nearZero };
  let at = into.length;
  while (at > 0 && worse(difference, into[at - 1]!) < 0) at--;
  into.splice(at, 0, difference);
  if (into.length > keep) into.pop();
}

function keyOf(point: KpiKey): KpiKey {
  return { asOf: point.asOf, segment: point.segment, kpi: point.kpi };
}

// Code-unit order, not localeCompare: the same inputs sort the same on every machine.
function byKey(a: KpiKey, b: KpiKey): number {
  return cmp(a.asOf, b.asOf) || cmp(a.segment, b.segment) || cmp(a.kpi, b.kpi);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface VersionLabels {
  reference: string;
  candidate: string;
}

/** Test 2's orientation: V2's export is the reference, V1 (after the rollback) the candidate. */
const defaultLabels: VersionLabels = { reference: 'V2', candidate: 'V1' };

/**
 * One line about the worst point, for a check's message: a missing, non-finite or duplicated
 * point outranks any variance, because it fails the comparison whatever the numbers say.
 * `outstanding_principal 2025-06-30 consumer: V1 1234.5 vs V2 1259.2 (1.96%)`
 */
export function describeWorst(result: KpiComparison, labels: VersionLabels = defaultLabels): string {
  const more = (list: KpiKey[]) => (list.length > 1 ? ` (and ${list.length - 1} more)` : '');
  const [missingC] = result.missingInCandidate;
  if (missingC) return `${name(missingC)}: in ${labels.reference}, missing in ${labels.candidate}${more(result.missingInCandidate)}`;
  const [missingR] = result.missingInReference;
  if (missingR) return `${name(missingR)}: in ${labels.candidate}, missing in ${labels.reference}${more(result.missingInReference)}`;
  const [bad] = result.nonFinite;
  if (bad) return `${name(bad)}: not a comparable number (NaN, Infinity or null on one side only)${more(result.nonFinite)}`;
  const [duplicate] = result.duplicates;
  if (duplicate) return `${name(duplicate)}: appears more than once${more(result.duplicates)}`;
  const [top] = result.worst;
  if (!top) return `no KPI differs (${result.compared} points compared)`;
  const difference = Math.abs((top.candidate ?? 0) - (top.reference ?? 0));
  const share = top.nearZero ? `difference ${number(difference)}, near zero: allowed < ${result.absoluteTolerance}` : percent(top.variance);
  return `${name(top)}: ${labels.candidate} ${number(top.candidate)} vs ${labels.reference} ${number(top.reference)} (${share})`;
}

/** The verdict with its counts, then the worst point: what a failed data-validation check says. */
export function describeComparison(result: KpiComparison, labels: VersionLabels = defaultLabels): string {
  const parts = [`${result.compared} KPI points compared, ${result.outOfTolerance} out of tolerance (${percent(result.tolerance)}, or ±${result.absoluteTolerance} near zero)`];
  if (result.missingInCandidate.length) parts.push(`${result.missingInCandidate.length} missing in ${labels.candidate}`);
  if (result.missingInReference.length) parts.push(`${result.missingInReference.length} missing in ${labels.reference}`);
  if (result.nonFinite.length) parts.push(`${result.nonFinite.length} not comparable`);
  if (result.duplicates.length) parts.push(`${result.duplicates.length} duplicated`);
  return `${parts.join(', ')}; worst: ${describeWorst(result, labels)}`;
}

function name(key: KpiKey): string {
  return `${key.kpi} ${key.asOf} ${key.segment}`;
}

function percent(ratio: number): string {
  return ratio * 100 >= 1000 ? '> 1000%' : `${(ratio * 100).toFixed(2)}%`;
}

/** A KPI value as a person reads it: at most 10 significant digits, no float noise. */
function number(value: number | null): string {
  return value === null ? 'null' : String(Number(value.toPrecision(10)));
}
