import { describe, expect, it } from 'vitest';
import { median } from './figure.ts';
import { overheadFigure, seedProcedureFigure, targetFigure } from './overhead.ts';
import { healthyWindow, type Rounds } from './rollback-rounds.ts';

const rounds: Rounds = {
  target: 'process',
  windows: [1500, 1400, 1700],
  healthyWindows: [600, 560, 700],
  steps: new Map([
    ['stop-v2', [30, 32, 31]],
    ['v1-healthy', [500, 480, 600]],
    ['validate-v1', [900, 840, 1000]],
  ]),
};

describe('overheadFigure', () => {
  it('is, per round, the window minus the stop alone plus the start-to-healthy alone timed right after it; the figure is their median', () => {
    const figure = overheadFigure(rounds, { stop: [25, 20, 30], startToHealthy: [500, 480, 620] });
    expect(figure.project.samples).toEqual([75, 60, 50]);
    expect(median(figure.project.samples)).toBe(60);
    expect(figure).toMatchObject({ goal: '≤ 100 ms', met: true });
    expect(figure.anchor).toBeUndefined();
    // median window 600 − (median stop 25 + median start 500)
    expect(figure.note).toContain('difference of the medians: 75 ms');
  });

  it('is not met above 100 ms', () => {
    expect(overheadFigure(rounds, { stop: [10, 10, 10], startToHealthy: [400, 400, 400] }).met).toBe(false);
  });

  it('refuses rounds that do not pair up', () => {
    expect(() => overheadFigure(rounds, { stop: [10, 10], startToHealthy: [400, 400] })).toThrow('must pair up');
  });
});

describe('seedProcedureFigure and targetFigure', () => {
  it('puts the seed procedure beside the window to V1 healthy', () => {
    const figure = seedProcedureFigure(rounds, [10_100, 10_090, 10_120]);
    expect(figure.anchor).toMatchObject({ samples: [10_100, 10_090, 10_120], unit: 'ms' });
    expect(figure.met).toBe(true);
  });

  it('compares the validated windows with containers when measured, and says why not otherwise', () => {
    expect(targetFigure(rounds, { ...rounds, target: 'docker', windows: [3000, 3100, 2900] }).anchor?.samples).toEqual([3000, 3100, 2900]);
    const alone = targetFigure(rounds, undefined, 'no Docker engine answers');
    expect(alone).toMatchObject({ goal: '—', met: true });
    expect(alone.note).toContain('containers not measured: no Docker engine answers');
  });
});

describe('healthyWindow', () => {
  it('runs from the start of stop-v2 to the end of v1-healthy', () => {
    const step = (id: string, startedAt: string, durationMs: number) => ({ id, title: id, phase: 'rollback' as const, startedAt, durationMs, status: 'passed' as const });
    expect(
      healthyWindow([step('stop-v2', '2026-01-01T00:00:00.000Z', 30), step('start-v1', '2026-01-01T00:00:00.040Z', 10), step('v1-healthy', '2026-01-01T00:00:00.050Z', 500)]),
    ).toBe(550);
    expect(() => healthyWindow([step('stop-v2', '2026-01-01T00:00:00.000Z', 30)])).toThrow('no v1-healthy step');
  });
});
