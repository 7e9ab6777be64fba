import { compare } from '../util/compare.ts';
import type { MeasuredCriterion, Sustain } from './criteria.ts';
import type { HeldBack } from './decision-types.ts';
import { comparatorSymbol, formatDuration, formatValue } from './format-criterion.ts';
import type { Reading } from './signals.ts';

/** One sample that said something about a criterion. */
export interface Point {
  index: number;
  /** ms since the epoch */
  time: number;
  at: string;
  reading: Reading;
  holds: boolean;
}

export interface Firing {
  firstHeldAt: string;
  firedAt: string;
  value: number | boolean;
  heldMs?: number;
  windowMs?: number;
  detail?: string;
}

export interface Outcome {
  firing?: Firing;
  heldBack: HeldBack[];
  /** Window criteria report their largest sum instead of a single reading. */
  worst?: number;
}

export type HoldBackCheck = (point: Point) => Omit<HeldBack, 'criterion' | 'at'> | undefined;

/** Fires on the first crossing that no rule holds back. */
export function instant(criterion: MeasuredCriterion, points: readonly Point[], holdBack: HoldBackCheck): Outcome {
  const held = new Map<string, { first: HeldBack; count: number }>();
  for (const point of points) {
    if (!point.holds) continue;
    const reason = holdBack(point);
    if (!reason) return { firing: { firstHeldAt: point.at, firedAt: point.at, value: point.reading.value, ...detail(point) }, heldBack: [] };
    const entry = held.get(reason.rule);
    if (entry) entry.count++;
    else held.set(reason.rule, { first: { ...reason, criterion: criterion.id, at: point.at }, count: 1 });
  }
  const heldBack = [...held.values()].map(({ first, count }) => (count === 1 ? first : { ...first, reason: `${first.reason} (and ${count - 1} more held back)` }));
  return { heldBack };
}

/** See `Sustain` in criteria.ts for how a run is measured over irregular sample times. */
export function sustained(criterion: MeasuredCriterion, sustain: Sustain, points: readonly Point[]): Outcome {
  let start: Point | undefined;
  let last: Point | undefined;
  let runs = 0;
  let longest: { start: Point; ms: number; ongoing: boolean } | undefined;
  const close = (ongoing: boolean) => {
    if (start && last && (!longest || last.time - start.time > longest.ms)) longest = { start, ms: last.time - start.time, ongoing };
    start = undefined;
  };
  for (const point of points) {
    if (!point.holds) {
      close(false);
      continue;
    }
    if (!start) {
      start = point;
      runs++;
    }
    last = point;
    const heldMs = point.time - start.time;
    if (compare(heldMs, sustain.comparator, sustain.ms)) {
      return { firing: { firstHeldAt: start.at, firedAt: point.at, value: point.reading.value, heldMs, ...detail(point) }, heldBack: [] };
    }
  }
  close(true);
  if (!longest) return { heldBack: [] };
  const lasted = formatDuration(longest.ms);
  const required = `${comparatorSymbol(sustain.comparator === '>=' ? '<' : '<=')} ${formatDuration(sustain.ms)}`;
  const condition = conditionText(criterion);
  let reason =
    sustain.heldBackAs === 'temporary-degradation'
      ? `${condition}: degradation lasted ${lasted} ${required}`
      : `${condition} for ${lasted}, not ${comparatorSymbol(sustain.comparator)} ${formatDuration(sustain.ms)}`;
  if (longest.ongoing) reason += ' (still holding at the last sample)';
  if (runs > 1) reason += ` (longest of ${runs} runs)`;
  return { heldBack: [{ rule: sustain.heldBackAs, criterion: criterion.id, reason, at: longest.start.at }] };
}

/** Per-interval counts summed over every window [t − windowMs, t] ending at a sample; a sample's count is placed at its `t`. */
export function windowed(criterion: MeasuredCriterion, windowMs: number, points: readonly Point[]): Outcome {
  let worst = 0;
  for (let i = 0; i < points.length; i++) {
    const end = points[i]!;
    let sum = 0;
    let first: Point | undefined;
    for (let j = i; j >= 0 && end.time - points[j]!.time <= windowMs; j--) {
      const value = points[j]!.reading.value as number;
      sum += value;
      if (value > 0) first = points[j];
    }
    worst = Math.max(worst, sum);
    if (compare(sum, criterion.comparator, criterion.threshold)) {
      return { firing: { firstHeldAt: (first ?? end).at, firedAt: end.at, value: sum, windowMs }, heldBack: [], worst };
    }
  }
  return { heldBack: [], worst };
}

export function conditionText(criterion: MeasuredCriterion): string {
  if (typeof criterion.threshold === 'boolean') return criterion.name;
  return `${criterion.name} ${comparatorSymbol(criterion.comparator)} ${formatValue(criterion.threshold, criterion.unit)}`;
}

function detail(point: Point): { detail?: string } {
  return point.reading.detail === undefined ? {} : { detail: point.reading.detail };
}
