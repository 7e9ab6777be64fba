import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { at, readings, series, steady } from './telemetry.test-support.ts';

const statusOf = (decision: ReturnType<typeof evaluate>, id: string) => decision.evaluated.find((e) => e.id === id)?.status;

describe('performance criteria: threshold crossed and sustained ≥ 2 min', () => {
  const cases = [
    { id: 'latency', at: { latencyMs: 60_000 }, over: { latencyMs: 60_001 } },
    { id: 'memory', at: { rssMb: 500 }, over: { rssMb: 500.1 } },
    { id: 'cpu', at: { cpuPct: 90 }, over: { cpuPct: 90.1 } },
  ] as const;

  for (const c of cases) {
    it(`${c.id}: exactly at the threshold for 5 min does not fire`, () => {
      const decision = evaluate(series(steady(300, c.at)));
      expect(decision.decision).toBe('continue');
      expect(statusOf(decision, c.id)).toBe('clear');
    });

    it(`${c.id}: just over for 2 m 1 s fires, first held at the start of the run`, () => {
      const decision = evaluate(series(readings([0, 60, 121], c.over)));
      expect(decision.decision).toBe('rollback');
      expect(decision.fired).toEqual([expect.objectContaining({ id: c.id, firstHeldAt: at(0), firedAt: at(121), heldMs: 121_000, value: Object.values(c.over)[0] })]);
    });

    it(`${c.id}: just over for 1 m 59 s is a temporary degradation, held back`, () => {
      const decision = evaluate(series(readings([0, 60, 119], c.over)));
      expect(decision.decision).toBe('continue');
      expect(statusOf(decision, c.id)).toBe('held-back');
      expect(decision.heldBack).toEqual([
        { rule: 'temporary-degradation', criterion: c.id, at: at(0), reason: expect.stringContaining('degradation lasted 1 m 59 s < 2 min (still holding at the last sample)') },
      ]);
    });
  }

  it('exactly 2 min of degradation is sustained (≥)', () => {
    expect(evaluate(series(steady(120, { cpuPct: 95 }))).fired.map((f) => f.id)).toEqual(['cpu']);
  });

  it('measures from the first to the last consecutive holding sample: a recovery in between restarts the clock', () => {
    const decision = evaluate(
      series([
        [0, { cpuPct: 95 }],
        [60, { cpuPct: 95 }],
        [100, { cpuPct: 95 }],
        [110, { cpuPct: 40 }],
        [120, { cpuPct: 95 }],
        [230, { cpuPct: 95 }],
      ]),
    );
    expect(decision.decision).toBe('continue');
    expect(decision.heldBack[0]!.reason).toBe('CPU > 90%: degradation lasted 1 m 50 s < 2 min (still holding at the last sample) (longest of 2 runs)');
  });

  it('samples without the field neither break nor extend a run', () => {
    const decision = evaluate(
      series([
        [0, { rssMb: 600 }],
        [60, { cpuPct: 10 }],
        [130, { rssMb: 600 }],
        [400, { cpuPct: 10 }],
      ]),
    );
    expect(decision.fired).toEqual([expect.objectContaining({ id: 'memory', firstHeldAt: at(0), firedAt: at(130), heldMs: 130_000 })]);
  });

  it('irregular sample times: the duration is the time between the samples, not a count of samples', () => {
    expect(
      evaluate(
        series([
          [0, { latencyMs: 90_000 }],
          [121, { latencyMs: 90_000 }],
        ]),
      ).decision,
    ).toBe('rollback');
    expect(
      evaluate(
        series([
          [0, { latencyMs: 90_000 }],
          [1, { latencyMs: 90_000 }],
          [2, { latencyMs: 90_000 }],
          [119, { latencyMs: 90_000 }],
        ]),
      ).decision,
    ).toBe('continue');
  });

  describe('throughput < 50% of baseline', () => {
    const baseline = { throughputRowsPerSec: 1000 };

    it('exactly 50% does not fire; 49.9% for 2 m 1 s does', () => {
      expect(evaluate(series(steady(300, { throughputRowsPerSec: 500 }), baseline)).decision).toBe('continue');
      const decision = evaluate(series(readings([0, 121], { throughputRowsPerSec: 499 }), baseline));
      expect(decision.fired).toEqual([expect.objectContaining({ id: 'throughput', value: 0.499, threshold: 0.5, comparator: '<', detail: '499 rows/s vs baseline 1000 rows/s' })]);
    });

    it('1 m 59 s below is held back', () => {
      const decision = evaluate(series(steady(119, { throughputRowsPerSec: 100 }), baseline));
      expect(decision.heldBack.map((h) => h.rule)).toEqual(['temporary-degradation']);
    });

    it('says nothing without a baseline throughput', () => {
      const decision = evaluate(series(steady(600, { throughputRowsPerSec: 1 })));
      expect(decision.decision).toBe('continue');
      expect(decision.evaluated.find((e) => e.id === 'throughput')).toMatchObject({ status: 'no-data', note: 'no baseline.throughputRowsPerSec' });
    });
  });
});
