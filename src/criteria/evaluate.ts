import { compare } from '../util/compare.ts';
import { applyOverrides, type CriteriaOverrides } from './criteria-overrides.ts';
import { defaultCriteria, type CriteriaSet, type MeasuredCriterion } from './criteria.ts';
import type { Decision, Evaluated, Fired } from './decision-types.ts';
import { criterionTitle } from './format-criterion.ts';
import { holdBackCheck } from './hold-backs.ts';
import { instant, sustained, windowed, type Outcome, type Point } from './holds.ts';
import { signals } from './signals.ts';
import type { Telemetry } from './telemetry-schema.ts';

export interface EvaluateOptions {
  /** Applied on top of `criteria` (an environment's `criteria` config). */
  overrides?: CriteriaOverrides;
}

/**
 * The one evaluator of the rollback decision: rollback as soon as any criterion fired, continue
 * otherwise. Expects validated telemetry (time-ordered samples): see readTelemetry.
 */
export function evaluate(telemetry: Telemetry, criteria: CriteriaSet = defaultCriteria, options: EvaluateOptions = {}): Decision {
  const set = options.overrides ? applyOverrides(criteria, options.overrides) : criteria;
  const { samples, baseline } = telemetry;
  const times = samples.map((s) => Date.parse(s.t));
  const fired: Fired[] = [];
  const heldBack: Decision['heldBack'] = [];
  const evaluated: Evaluated[] = [];

  for (const criterion of set.criteria) {
    if (criterion.signal === null) {
      evaluated.push({ id: criterion.id, title: criterion.name, category: criterion.category, status: 'not-measured', samples: 0, note: criterion.reason });
      continue;
    }
    const title = criterionTitle(criterion);
    const base = { id: criterion.id, title, category: criterion.category, threshold: criterion.threshold, comparator: criterion.comparator, unit: criterion.unit };
    if (!criterion.enabled) {
      evaluated.push({ ...base, status: 'disabled', samples: 0 });
      continue;
    }
    const read = signals[criterion.signal];
    const points: Point[] = [];
    samples.forEach((sample, index) => {
      const reading = read(sample, baseline);
      if (reading) points.push({ index, time: times[index]!, at: sample.t, reading, holds: compare(reading.value, criterion.comparator, criterion.threshold) });
    });

    const outcome = judge(criterion, points, set, telemetry, times);
    heldBack.push(...outcome.heldBack);
    if (outcome.firing) fired.push({ ...base, ...outcome.firing });
    const status = outcome.firing ? 'fired' : outcome.heldBack.length > 0 ? 'held-back' : points.length === 0 ? 'no-data' : 'clear';
    const worst = outcome.worst ?? worstOf(criterion, points);
    const note = status === 'no-data' ? noDataNote(criterion, telemetry) : undefined;
    evaluated.push({ ...base, status, samples: points.length, ...(worst === undefined ? {} : { worst }), ...(note ? { note } : {}) });
  }

  const first = samples[0];
  const last = samples.at(-1);
  return {
    decision: fired.length > 0 ? 'rollback' : 'continue',
    fired,
    heldBack,
    evaluated,
    samples: samples.length,
    ...(first && last ? { from: first.t, to: last.t } : {}),
  };
}

function judge(criterion: MeasuredCriterion, points: Point[], set: CriteriaSet, telemetry: Telemetry, times: number[]): Outcome {
  if (criterion.windowMs !== undefined) return windowed(criterion, criterion.windowMs, points);
  if (criterion.sustain) return sustained(criterion, criterion.sustain, points);
  return instant(criterion, points, holdBackCheck(criterion, telemetry.samples, times, set.notTrigger));
}

function worstOf(criterion: MeasuredCriterion, points: Point[]): number | boolean | undefined {
  if (points.length === 0) return undefined;
  if (typeof criterion.threshold === 'boolean') return points.some((p) => p.holds) ? criterion.threshold : !criterion.threshold;
  const values = points.map((p) => p.reading.value as number);
  // reduce, not Math.min(...values): a day of 1 s samples would overflow the argument list.
  const lower = criterion.comparator === '<' || criterion.comparator === '<=';
  return values.reduce((a, b) => (lower ? Math.min(a, b) : Math.max(a, b)));
}

function noDataNote(criterion: MeasuredCriterion, telemetry: Telemetry): string | undefined {
  if (criterion.signal === 'throughputOfBaseline' && telemetry.baseline?.throughputRowsPerSec === undefined) return 'no baseline.throughputRowsPerSec';
  if (criterion.signal === 'kpiVariance') return 'no sample KPI with a baseline.kpis value';
  return undefined;
}
