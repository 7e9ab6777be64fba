import { describe, expect, it } from 'vitest';
import type { ResourceSample } from '../targets/target.ts';
import { startResourceSampler, summarise } from './resource-sampler.ts';

describe('startResourceSampler', () => {
  it('reads at once, derives CPU % between readings, and stops when the service has gone', async () => {
    let now = 0;
    const samples: Array<ResourceSample | undefined> = [{ rssBytes: 50 * 1024 * 1024, cpuSeconds: 1 }, { rssBytes: 80 * 1024 * 1024, cpuSeconds: 1.5 }, undefined];
    const sampler = startResourceSampler(
      async () => {
        const sample = samples.shift();
        now += 1000;
        return sample;
      },
      1,
      () => now,
    );
    await expect.poll(() => samples.length, { timeout: 2000 }).toBe(0);
    await sampler.stop();
    const readings = sampler.readings();
    expect(readings.map((r) => r.cpuPct)).toEqual([undefined, 50]);
    expect(sampler.summary()).toEqual({ readings: 2, peakRssMb: 80, cpuSeconds: 1.5, peakCpuPct: 50 });
  });

  it('takes no reading after stop()', async () => {
    let calls = 0;
    const sampler = startResourceSampler(async () => ({ rssBytes: ++calls, cpuSeconds: 0 }), 60_000);
    await sampler.stop();
    expect(calls).toBe(1);
    expect(sampler.readings()).toHaveLength(1);
  });
});

describe('summarise', () => {
  it('is undefined with no reading (a service that never ran)', () => {
    expect(summarise([])).toBeUndefined();
  });
});
