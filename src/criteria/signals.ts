import type { SignalId } from './criteria.ts';
import type { Baseline, DependencyName, Sample } from './telemetry-schema.ts';

/** What a criterion reads from one sample; `undefined` when the sample says nothing about it. */
export interface Reading {
  value: number | boolean;
  detail?: string;
}

type Signal = (sample: Sample, baseline: Baseline | undefined) => Reading | undefined;

/** Same definition as the drill's KPI comparison (docs/checks.md): a zero baseline gives a huge variance, not a division by zero. */
const kpiEpsilon = 1e-9;

const field =
  (name: 'latencyMs' | 'rssMb' | 'cpuPct' | 'nullHandlingErrors' | 'restarts' | 'deadlocks'): Signal =>
  (sample) =>
    sample[name] === undefined ? undefined : { value: sample[name] };

/** A rate needs a denominator: an interval without transactions (or attempts) says nothing. */
const rate =
  (part: 'errors' | 'dbConnectFailures', whole: 'transactions' | 'dbConnectAttempts'): Signal =>
  (sample) => {
    const p = sample[part];
    const w = sample[whole];
    if (p === undefined || w === undefined || w === 0) return undefined;
    return { value: p / w, detail: `${p} of ${w} ${whole}` };
  };

const available =
  (name: DependencyName): Signal =>
  (sample) => {
    const value = sample.dependencies?.[name];
    return value === undefined ? undefined : { value };
  };

export const signals: Record<SignalId, Signal> = {
  latencyMs: field('latencyMs'),
  rssMb: field('rssMb'),
  cpuPct: field('cpuPct'),
  throughputOfBaseline: (sample, baseline) => {
    const base = baseline?.throughputRowsPerSec;
    if (sample.throughputRowsPerSec === undefined || base === undefined) return undefined;
    return { value: sample.throughputRowsPerSec / base, detail: `${sample.throughputRowsPerSec} rows/s vs baseline ${base} rows/s` };
  },
  kpiVariance: (sample, baseline) => {
    // The worst KPI of the sample; a KPI without a baseline value cannot vary from it and is skipped.
    let worst: Reading | undefined;
    for (const [kpi, value] of Object.entries(sample.kpis ?? {})) {
      const base = baseline?.kpis?.[kpi];
      if (base === undefined) continue;
      const variance = Math.abs(value - base) / Math.max(Math.abs(base), kpiEpsilon);
      if (worst === undefined || variance > (worst.value as number)) worst = { value: variance, detail: `${kpi} ${value} vs baseline ${base}` };
    }
    return worst;
  },
  unexplainedRowLoss: (sample) => {
    // Conservative: every error and null-handling error may account for one missing row (those
    // are reported by their own criteria); only what they cannot explain is silent loss. Absent
    // error counts explain nothing.
    const { rowsIn, rowsOut } = sample;
    if (rowsIn === undefined || rowsOut === undefined) return undefined;
    const errors = sample.errors ?? 0;
    const nulls = sample.nullHandlingErrors ?? 0;
    const lost = Math.max(0, rowsIn - rowsOut - errors - nulls);
    return { value: lost, detail: `rowsIn ${rowsIn}, rowsOut ${rowsOut}, errors ${errors}, nullHandlingErrors ${nulls}` };
  },
  nullHandlingErrors: field('nullHandlingErrors'),
  errorRate: rate('errors', 'transactions'),
  dbConnectFailureRate: rate('dbConnectFailures', 'dbConnectAttempts'),
  restarts: field('restarts'),
  deadlocks: field('deadlocks'),
  blobAvailable: available('blob'),
  databaseAvailable: available('database'),
  sourceAvailable: available('source'),
};
