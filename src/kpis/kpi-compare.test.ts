import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { compareKpis, describeComparison, describeWorst, type KpiPoint } from './kpi-compare.ts';

const p = (kpi: string, value: number | null, asOf = '2025-06-30', segment = 'consumer'): KpiPoint => ({ asOf, segment, kpi, value });

const v2: KpiPoint[] = [
  p('outstanding_principal', 1259.2),
  p('disbursements', 800),
  p('collection_rate', 0.97),
  p('par30', 0.031, '2025-06-30', 'sme'),
  p('active_loans', 120, '2025-05-31'),
];

describe('compareKpis', () => {
  it('passes exactly equal exports with zero variance', () => {
    const result = compareKpis(v2, structuredClone(v2));
    expect(result).toMatchObject({ compared: 5, maxVariance: 0, withinTolerance: true, worst: [], missingInCandidate: [], missingInReference: [], duplicates: [], nonFinite: [] });
    expect(describeWorst(result)).toBe('no KPI differs (5 points compared)');
  });

  it('passes a 0.5% skew', () => {
    const result = compareKpis(
      v2,
      v2.map((point) => (point.kpi === 'disbursements' ? { ...point, value: 804 } : point)),
    );
    expect(result.withinTolerance).toBe(true);
    expect(result.maxVariance).toBeCloseTo(0.005, 12);
    expect(result.worst).toEqual([
      { asOf: '2025-06-30', segment: 'consumer', kpi: 'disbursements', reference: 800, candidate: 804, variance: expect.closeTo(0.005, 12), nearZero: false },
    ]);
  });

  it('fails a 2% skew and names the point with both values', () => {
    const candidate = v2.map((point) => (point.kpi === 'outstanding_principal' ? { ...point, value: 1234.5 } : point));
    const result = compareKpis(v2, candidate);
    expect(result.withinTolerance).toBe(false);
    expect(result.worst[0]).toMatchObject({ kpi: 'outstanding_principal', reference: 1259.2, candidate: 1234.5 });
    expect(describeWorst(result)).toBe('outstanding_principal 2025-06-30 consumer: V1 1234.5 vs V2 1259.2 (1.96%)');
  });

  it('sorts the worst points by variance, ties by key, and keeps only `worst` of them', () => {
    const ref = [p('a', 100, '2025-06-30', 'sme'), p('b', 200), p('c', 100), p('d', 100)];
    const result = compareKpis(ref, [p('a', 102, '2025-06-30', 'sme'), p('b', 204), p('c', 100.5), p('d', 100.1)], { worst: 3 });
    expect(result.worst.map((d) => d.kpi)).toEqual(['b', 'a', 'c']);
  });

  it('passes 0.0099 and fails 0.0101 against a 1% tolerance, and fails exactly at the tolerance', () => {
    const ref = [p('disbursements', 100)];
    expect(compareKpis(ref, [p('disbursements', 100.99)]).withinTolerance).toBe(true);
    expect(compareKpis(ref, [p('disbursements', 101.01)]).withinTolerance).toBe(false);
    expect(compareKpis([p('disbursements', 4)], [p('disbursements', 3)], { tolerance: 0.25 }).withinTolerance).toBe(false);
  });

  it('fails when a point is missing in the candidate, and says which', () => {
    const result = compareKpis(
      v2,
      v2.filter((point) => point.kpi !== 'par30'),
    );
    expect(result.withinTolerance).toBe(false);
    expect(result.maxVariance).toBe(0);
    expect(result.missingInCandidate).toEqual([{ asOf: '2025-06-30', segment: 'sme', kpi: 'par30' }]);
    expect(describeWorst(result)).toBe('par30 2025-06-30 sme: in V2, missing in V1');
  });

  it('fails when a point is missing in the reference', () => {
    const result = compareKpis(v2, [...v2, p('default_rate', 0.01, '2025-06-30', 'sme')]);
    expect(result.withinTolerance).toBe(false);
    expect(result.missingInReference).toEqual([{ asOf: '2025-06-30', segment: 'sme', kpi: 'default_rate' }]);
    expect(describeComparison(result)).toBe(
      '5 KPI points compared, 0 out of tolerance (1.00%, or ±0.000001 near zero), 1 missing in V2; worst: default_rate 2025-06-30 sme: in V1, missing in V2',
    );
  });

  it('fails on a duplicated key, even with identical values, and does not compare it', () => {
    const result = compareKpis(v2, [...v2, p('disbursements', 800)]);
    expect(result.withinTolerance).toBe(false);
    expect(result.duplicates).toEqual([{ asOf: '2025-06-30', segment: 'consumer', kpi: 'disbursements' }]);
    expect(result.compared).toBe(4);
    expect(describeWorst(result)).toBe('disbursements 2025-06-30 consumer: appears more than once');
  });

  it('judges a reference near zero by the absolute difference, and never prints an absurd percentage', () => {
    const result = compareKpis([p('par30', 0)], [p('par30', 0.001)]);
    expect(result).toMatchObject({ withinTolerance: false, outOfTolerance: 1 });
    expect(describeWorst(result)).toBe('par30 2025-06-30 consumer: V1 0.001 vs V2 0 (difference 0.001, near zero: allowed < 0.000001)');
    expect(compareKpis([p('par30', 0)], [p('par30', 0.0000009)])).toMatchObject({ withinTolerance: true, outOfTolerance: 0 });
    expect(compareKpis([p('par30', 0)], [p('par30', 0.001)], { absoluteTolerance: 0.01 })).toMatchObject({ withinTolerance: true });
    // Far from zero the tolerance stays relative: 1.5 vs 1.51 is 0.67%.
    expect(compareKpis([p('par30', 1.5)], [p('par30', 1.51)], { absoluteTolerance: 0.001 })).toMatchObject({ withinTolerance: true, outOfTolerance: 0 });
  });

  it('gives both-zero a variance of 0', () => {
    expect(compareKpis([p('par30', 0)], [p('par30', -0)])).toMatchObject({ maxVariance: 0, withinTolerance: true });
  });

  it('fails null against a number, in either direction, but accepts null on both sides', () => {
    expect(compareKpis([p('collection_rate', null)], [p('collection_rate', 0.9)])).toMatchObject({ withinTolerance: false, nonFinite: [{ kpi: 'collection_rate' }] });
    expect(compareKpis([p('collection_rate', 0.9)], [p('collection_rate', null)]).withinTolerance).toBe(false);
    expect(compareKpis([p('collection_rate', null)], [p('collection_rate', null)])).toMatchObject({ compared: 1, withinTolerance: true });
  });

  it('fails NaN and Infinity, even on both sides', () => {
    expect(compareKpis([p('par30', Number.NaN)], [p('par30', Number.NaN)]).withinTolerance).toBe(false);
    const result = compareKpis([p('par30', 0.1)], [p('par30', Number.POSITIVE_INFINITY)]);
    expect(result).toMatchObject({ withinTolerance: false, maxVariance: 0 });
    expect(describeWorst(result)).toMatch(/^par30 2025-06-30 consumer: not a comparable number/);
  });

  it('does not confuse keys whose parts contain separators', () => {
    const result = compareKpis([p('x', 1, '2025-06-30', 'a|b')], [p('x', 1, '2025-06-30', 'a'), p('b|x', 1, '2025-06-30', 'a')]);
    expect(result.missingInCandidate).toHaveLength(1);
    expect(result.missingInReference).toHaveLength(2);
  });

  it('lists missing keys in a deterministic order whatever the input order', () => {
    const ref = [p('b', 1, '2025-06-30', 's2'), p('a', 1, '2025-06-30', 's1'), p('a', 1, '2025-05-31', 's2')];
    const forward = compareKpis(ref, []).missingInCandidate;
    expect(forward.map((k) => `${k.asOf} ${k.segment} ${k.kpi}`)).toEqual(['2025-05-31 s2 a', '2025-06-30 s1 a', '2025-06-30 s2 b']);
    expect(compareKpis([...ref].reverse(), []).missingInCandidate).toEqual(forward);
  });

  it('takes custom labels for other comparisons (roll-forward: previous V2 run vs redeployed V2)', () => {
    const result = compareKpis([p('disbursements', 100)], [p('disbursements', 103)]);
    expect(describeWorst(result, { reference: 'previous V2', candidate: 'V2 again' })).toBe('disbursements 2025-06-30 consumer: V2 again 103 vs previous V2 100 (3.00%)');
  });

  it('keeps the same worst points as sorting every difference would, in any input order', () => {
    const kpis = Array.from({ length: 300 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const reference = kpis.map((kpi) => p(kpi, 100));
    // Variances repeat (ties broken by key) and arrive in a scrambled order.
    const candidate = kpis.map((kpi, i) => p(kpi, 100 + ((i * 37) % 11)));
    const everything = compareKpis(reference, candidate, { worst: 300 }).worst;
    const expected = [...everything].sort((a, b) => b.variance - a.variance || (a.kpi < b.kpi ? -1 : 1)).slice(0, 7);
    expect(compareKpis(reference, candidate, { worst: 7 }).worst).toEqual(expected);
    expect(compareKpis([...reference].reverse(), [...candidate].reverse(), { worst: 7 }).worst).toEqual(expected);
    expect(compareKpis(reference, candidate, { worst: 0 }).worst).toEqual([]);
  });

  it('rejects a meaningless tolerance as a harness error', () => {
    expect(() => compareKpis([], [], { tolerance: 0 })).toThrow(HarnessError);
    expect(() => compareKpis([], [], { absoluteTolerance: -1 })).toThrow(/absolute tolerance/);
  });
});
