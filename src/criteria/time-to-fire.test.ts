import { describe, expect, it } from 'vitest';
import { observability } from './time-to-fire.ts';

describe('observability of the criteria within a dry-run', () => {
  it('says a 60 s observation cannot see the seed’s sustained criteria nor its 5-minute outages, but sees the crash loop', () => {
    const window = observability(60_000);
    expect(window.observable).toEqual(expect.arrayContaining(['crash-loop', 'error-rate', 'data-loss', 'kpi-variance']));
    expect(window.notObservable).toEqual(
      expect.arrayContaining([
        { id: 'latency', needsMs: 180_000 },
        { id: 'memory', needsMs: 120_000 },
        { id: 'database-unavailable', needsMs: 300_000 },
      ]),
    );
  });

  it('follows the environment’s overrides: a 5 s latency sustained 10 s is seen within 20 s', () => {
    const window = observability(20_000, { criteria: { latency: { threshold: 5000, sustainMs: 10_000 } } });
    expect(window.observable).toContain('latency');
    expect(window.notObservable.find((c) => c.id === 'latency')).toBeUndefined();
  });

  it('leaves disabled criteria out of both lists', () => {
    const window = observability(60_000, { criteria: { latency: { enabled: false } } });
    expect([...window.observable, ...window.notObservable.map((c) => c.id)]).not.toContain('latency');
  });
});
