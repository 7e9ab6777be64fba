import type { Comparator } from '../util/compare.ts';

/**
 * The seed's rollback decision criteria and NOT-trigger rules as data (docs/decision-criteria.md, runbook
 * "Rollback Decision Criteria"). `evaluate()` is the only code that interprets them; thresholds
 * are overridden through `criteriaOverridesSchema`, never by editing code paths.
 */

export type Category = 'performance' | 'data-quality' | 'stability' | 'external';

/** How a sample is read for a criterion; the functions live in signals.ts. */
export type SignalId =
  | 'latencyMs'
  | 'rssMb'
  | 'cpuPct'
  | 'throughputOfBaseline'
  | 'kpiVariance'
  | 'unexplainedRowLoss'
  | 'nullHandlingErrors'
  | 'errorRate'
  | 'dbConnectFailureRate'
  | 'restarts'
  | 'deadlocks'
  | 'blobAvailable'
  | 'databaseAvailable'
  | 'sourceAvailable';

export type Unit = 'ms' | 'MB' | '%' | 'ratio' | 'rows' | 'count' | 'available';

/** Rules that can keep a criterion whose threshold was crossed from firing. */
export type HoldBackRuleId = 'temporary-degradation' | 'minimum-duration' | 'isolated-retryable-error' | 'minor-variance';

/**
 * "Sustained" and "unavailable > 5 minutes": the condition must hold from the first sample where
 * it holds to a later consecutive sample where it still holds, and the time between those two
 * samples' `t` must compare to `ms` (≥ for "sustained", > for "> 5 minutes"). Samples lacking the
 * field are skipped (they neither extend nor break the run); a sample with the field where the
 * condition does not hold ends the run. Nothing is extrapolated beyond the observations, so a
 * condition seen in one sample only has lasted 0 s.
 */
export interface Sustain {
  ms: number;
  comparator: '>=' | '>';
  /** Which rule is named when a run was too short: the seed's temporary-degradation rule, or the criterion's own duration. */
  heldBackAs: 'temporary-degradation' | 'minimum-duration';
}

export interface MeasuredCriterion {
  id: string;
  /** Without the threshold: the title is rendered from the (possibly overridden) numbers. */
  name: string;
  category: Category;
  signal: SignalId;
  comparator: Comparator;
  threshold: number | boolean;
  unit: Unit;
  enabled: boolean;
  sustain?: Sustain;
  /** Per-interval counts summed over a sliding window ending at each sample (t − windowMs ≤ t' ≤ t). */
  windowMs?: number;
  /** Instant criteria only: rules that may hold a crossing back. */
  heldBackBy?: readonly ('isolated-retryable-error' | 'minor-variance')[];
}

/** A seed criterion the telemetry format cannot carry: listed so that nothing is silently dropped. */
export interface UnmeasuredCriterion {
  id: string;
  name: string;
  category: Category;
  signal: null;
  reason: string;
}

export type Criterion = MeasuredCriterion | UnmeasuredCriterion;

export interface NotTriggerRules {
  /** A failing interval with at most `maxErrors` errors, all retryable, and no other error within ±`isolationMs`. */
  'isolated-retryable-error': { title: string; maxErrors: number; isolationMs: number };
  /** KPI variance below `below` never fires, even when an override lowers the KPI threshold under it. */
  'minor-variance': { title: string; below: number };
  /** Performance criteria must hold this long ("sustained"). */
  'temporary-degradation': { title: string; ms: number };
  /** Needs no parameter: the telemetry has no warning field and only the criteria's fields are read. */
  'informational-warnings': { title: string };
}

export interface CriteriaSet {
  criteria: readonly Criterion[];
  notTrigger: NotTriggerRules;
}

const twoMinutes = 120_000;
const degradation: Sustain = { ms: twoMinutes, comparator: '>=', heldBackAs: 'temporary-degradation' };
const outage: Sustain = { ms: 300_000, comparator: '>', heldBackAs: 'minimum-duration' };

export const defaultCriteria: CriteriaSet = {
  criteria: [
    // Critical performance issues: a degradation shorter than 2 minutes is temporary (NOT-trigger).
    {
      id: 'latency',
      name: 'End-to-end latency',
      category: 'performance',
      signal: 'latencyMs',
      comparator: '>',
      threshold: 60_000,
      unit: 'ms',
      enabled: true,
      sustain: degradation,
    },
    { id: 'memory', name: 'Memory (RSS)', category: 'performance', signal: 'rssMb', comparator: '>', threshold: 500, unit: 'MB', enabled: true, sustain: degradation },
    { id: 'cpu', name: 'CPU', category: 'performance', signal: 'cpuPct', comparator: '>', threshold: 90, unit: '%', enabled: true, sustain: degradation },
    {
      id: 'throughput',
      name: 'Throughput of baseline',
      category: 'performance',
      signal: 'throughputOfBaseline',
      comparator: '<',
      threshold: 0.5,
      unit: 'ratio',
      enabled: true,
      sustain: degradation,
    },
    // Data quality issues: one wrong output is already wrong, so these fire on the first sample.
    {
      id: 'kpi-variance',
      name: 'KPI variance vs baseline',
      category: 'data-quality',
      signal: 'kpiVariance',
      comparator: '>',
      threshold: 0.05,
      unit: 'ratio',
      enabled: true,
      heldBackBy: ['minor-variance'],
    },
    { id: 'data-loss', name: 'Unexplained row loss', category: 'data-quality', signal: 'unexplainedRowLoss', comparator: '>', threshold: 0, unit: 'rows', enabled: true },
    { id: 'null-handling', name: 'Null-handling errors', category: 'data-quality', signal: 'nullHandlingErrors', comparator: '>', threshold: 0, unit: 'count', enabled: true },
    {
      id: 'output-format',
      name: 'Output format incompatibility',
      category: 'data-quality',
      signal: null,
      reason: 'not carried by the telemetry: the drill checks it by reading the output files',
    },
    // System stability issues.
    {
      id: 'error-rate',
      name: 'Error rate',
      category: 'stability',
      signal: 'errorRate',
      comparator: '>',
      threshold: 0.05,
      unit: 'ratio',
      enabled: true,
      heldBackBy: ['isolated-retryable-error'],
    },
    {
      id: 'db-connect-failures',
      name: 'DB connection failure rate',
      category: 'stability',
      signal: 'dbConnectFailureRate',
      comparator: '>',
      threshold: 0.1,
      unit: 'ratio',
      enabled: true,
      heldBackBy: ['isolated-retryable-error'],
    },
    { id: 'crash-loop', name: 'Restarts', category: 'stability', signal: 'restarts', comparator: '>=', threshold: 3, unit: 'count', enabled: true, windowMs: 600_000 },
    // A deadlock the database resolves (one transaction aborted and retried) is recovered; one reported in every sample for 2 minutes is not.
    {
      id: 'deadlocks',
      name: 'Deadlocks',
      category: 'stability',
      signal: 'deadlocks',
      comparator: '>',
      threshold: 0,
      unit: 'count',
      enabled: true,
      sustain: { ms: twoMinutes, comparator: '>=', heldBackAs: 'minimum-duration' },
    },
    // External system failures: unavailable for more than 5 minutes.
    {
      id: 'blob-unavailable',
      name: 'Blob storage unavailable',
      category: 'external',
      signal: 'blobAvailable',
      comparator: '==',
      threshold: false,
      unit: 'available',
      enabled: true,
      sustain: outage,
    },
    {
      id: 'database-unavailable',
      name: 'Database unavailable',
      category: 'external',
      signal: 'databaseAvailable',
      comparator: '==',
      threshold: false,
      unit: 'available',
      enabled: true,
      sustain: outage,
    },
    {
      id: 'source-unavailable',
      name: 'Data source unavailable',
      category: 'external',
      signal: 'sourceAvailable',
      comparator: '==',
      threshold: false,
      unit: 'available',
      enabled: true,
      sustain: outage,
    },
  ],
  notTrigger: {
    'isolated-retryable-error': { title: 'Single isolated errors (retryable)', maxErrors: 1, isolationMs: 300_000 },
    'minor-variance': { title: 'Minor variance (< 1%)', below: 0.01 },
    'temporary-degradation': { title: 'Performance degradation temporary (< 2 minutes)', ms: twoMinutes },
    'informational-warnings': { title: 'Informational warnings' },
  },
};

export const criterionIds = defaultCriteria.criteria.map((c) => c.id);
