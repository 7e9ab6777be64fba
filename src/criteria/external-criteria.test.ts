import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { at, series } from './telemetry.test-support.ts';

describe('blob storage, database, data source unavailable > 5 min', () => {
  for (const dependency of ['blob', 'database', 'source'] as const) {
    const id = `${dependency}-unavailable`;
    const down = { dependencies: { [dependency]: false } };
    const up = { dependencies: { [dependency]: true } };

    it(`${dependency}: an outage observed for 4 m 59 s continues, held back`, () => {
      const decision = evaluate(
        series([
          [0, up],
          [10, down],
          [160, down],
          [309, down],
          [320, up],
        ]),
      );
      expect(decision.decision).toBe('continue');
      expect(decision.heldBack).toEqual([{ rule: 'minimum-duration', criterion: id, at: at(10), reason: expect.stringMatching(/unavailable for 4 m 59 s, not > 5 min$/) }]);
    });

    it(`${dependency}: 5 m 1 s rolls back, first held when the outage was first seen`, () => {
      const decision = evaluate(
        series([
          [0, up],
          [10, down],
          [311, down],
        ]),
      );
      expect(decision.fired).toEqual([expect.objectContaining({ id, firstHeldAt: at(10), firedAt: at(311), heldMs: 301_000, value: false })]);
    });
  }

  it('exactly 5 min is not more than 5 min', () => {
    expect(
      evaluate(
        series([
          [0, { dependencies: { database: false } }],
          [300, { dependencies: { database: false } }],
        ]),
      ).decision,
    ).toBe('continue');
  });

  it('a sample that is up in between ends the outage', () => {
    const d = (database: boolean) => ({ dependencies: { database } });
    expect(
      evaluate(
        series([
          [0, d(false)],
          [200, d(true)],
          [201, d(false)],
          [400, d(false)],
        ]),
      ).decision,
    ).toBe('continue');
  });

  it("one dependency's outage says nothing about another's", () => {
    const decision = evaluate(
      series([
        [0, { dependencies: { blob: false } }],
        [400, { dependencies: { source: true } }],
        [600, { dependencies: { blob: false } }],
      ]),
    );
    expect(decision.fired.map((f) => f.id)).toEqual(['blob-unavailable']);
    expect(decision.evaluated.find((e) => e.id === 'source-unavailable')).toMatchObject({ status: 'clear', worst: true });
    expect(decision.evaluated.find((e) => e.id === 'database-unavailable')).toMatchObject({ status: 'no-data', samples: 0 });
  });
});
