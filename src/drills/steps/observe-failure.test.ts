import { describe, expect, it } from 'vitest';
import type { Decision } from '../../criteria/decision-types.ts';
import { describeNoDecision } from './observe-failure.ts';

const decision: Decision = {
  decision: 'continue',
  fired: [],
  heldBack: [],
  evaluated: [{ id: 'crash-loop', title: 'Restarts ≥ 3 within 10 min', category: 'stability', status: 'clear', samples: 121, worst: 2, threshold: 3 }],
  samples: 121,
  from: '2026-12-05T09:00:00.000Z',
  to: '2026-12-05T09:01:00.000Z',
};

describe('describeNoDecision', () => {
  it('says how many of the restarts V2 made reached the samples when Prometheus feeds the field', () => {
    expect(describeNoDecision(decision, { made: 4, counted: 2, from: ['prometheus'] }, ['latency'])).toBe(
      '121 samples, 4 restarts (2 in the samples, counted from prometheus), 1 criteria clear, telemetry window 1 m 0.0 s, too short for: latency',
    );
  });

  it('says nothing more when the harness counts the restarts itself', () => {
    expect(describeNoDecision(decision, { made: 4, counted: 4, from: ['harness'] }, [])).toBe('121 samples, 4 restarts, 1 criteria clear, telemetry window 1 m 0.0 s');
  });
});
