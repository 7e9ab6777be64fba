import { describe, expect, it } from 'vitest';
import { formatIssues } from '../util/zod-issues.ts';
import { applyOverrides, criteriaOverridesSchema } from './criteria-overrides.ts';
import { defaultCriteria, type MeasuredCriterion } from './criteria.ts';
import { evaluate } from './evaluate.ts';
import { readings, series } from './telemetry.test-support.ts';

const find = (id: string, set = defaultCriteria) => set.criteria.find((c) => c.id === id) as MeasuredCriterion;

describe('criteria overrides', () => {
  it('change a threshold and the title shows it', () => {
    const telemetry = series(readings([0, 150], { rssMb: 300 }));
    expect(evaluate(telemetry).decision).toBe('continue');
    const decision = evaluate(telemetry, defaultCriteria, { overrides: { criteria: { memory: { threshold: 256 } } } });
    expect(decision.fired).toEqual([expect.objectContaining({ id: 'memory', threshold: 256, title: 'Memory (RSS) > 256 MB, sustained ≥ 2 min' })]);
  });

  it('shorten an outage duration (so a test need not wait 5 minutes)', () => {
    const telemetry = series(readings([0, 2], { dependencies: { blob: false } }));
    expect(evaluate(telemetry).decision).toBe('continue');
    expect(evaluate(telemetry, defaultCriteria, { overrides: { criteria: { 'blob-unavailable': { sustainMs: 1000 } } } }).decision).toBe('rollback');
  });

  it('the temporary-degradation duration reaches every performance criterion; a criterion’s own sustainMs wins', () => {
    const set = applyOverrides(defaultCriteria, { notTrigger: { 'temporary-degradation': { ms: 30_000 } }, criteria: { cpu: { sustainMs: 600_000 } } });
    expect(['latency', 'memory', 'throughput'].map((id) => find(id, set).sustain?.ms)).toEqual([30_000, 30_000, 30_000]);
    expect(find('cpu', set).sustain?.ms).toBe(600_000);
    expect(find('blob-unavailable', set).sustain?.ms).toBe(300_000);
    expect(find('deadlocks', set).sustain?.ms).toBe(120_000);
  });

  it('crash-loop count and window, isolated-error window', () => {
    const set = applyOverrides(defaultCriteria, { criteria: { 'crash-loop': { threshold: 5, windowMs: 60_000 } }, notTrigger: { 'isolated-retryable-error': { isolationMs: 0 } } });
    expect(find('crash-loop', set)).toMatchObject({ threshold: 5, windowMs: 60_000 });
    expect(set.notTrigger['isolated-retryable-error']).toMatchObject({ maxErrors: 1, isolationMs: 0 });
  });

  it('disable a criterion', () => {
    const decision = evaluate(series([[0, { nullHandlingErrors: 4 }]]), defaultCriteria, { overrides: { criteria: { 'null-handling': { enabled: false } } } });
    expect(decision.decision).toBe('continue');
    expect(decision.evaluated.find((e) => e.id === 'null-handling')?.status).toBe('disabled');
  });

  it('never mutate the defaults', () => {
    applyOverrides(defaultCriteria, { criteria: { latency: { threshold: 1 } }, notTrigger: { 'minor-variance': { below: 0 } } });
    expect(find('latency').threshold).toBe(60_000);
    expect(defaultCriteria.notTrigger['minor-variance'].below).toBe(0.01);
  });

  it('reject unknown criteria, keys meaningless for a criterion, and out-of-range values, naming the path', () => {
    const result = criteriaOverridesSchema.safeParse({ criteria: { latancy: {}, latency: { windowMs: 5 }, 'error-rate': { threshold: 5 } } });
    expect(result.success).toBe(false);
    const text = formatIssues(result.error!.issues);
    expect(text).toContain('criteria.latancy');
    expect(text).toContain('criteria.latency.windowMs');
    expect(text).toContain('criteria.error-rate.threshold');
  });
});
