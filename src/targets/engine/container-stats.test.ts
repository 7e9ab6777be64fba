import { describe, expect, it } from 'vitest';
import { exitInfoFromStatus, sampleFromStats } from './container-stats.ts';

describe('sampleFromStats', () => {
  it('subtracts the inactive page cache (cgroup v1 names it total_inactive_file)', () => {
    const sample = sampleFromStats({ memory_stats: { usage: 164_253_696, stats: { total_inactive_file: 100_200_448 } }, cpu_stats: { cpu_usage: { total_usage: 732_467_980 } } });
    expect(sample).toEqual({ rssBytes: 64_053_248, cpuSeconds: 0.73246798 });
  });

  it('reads cgroup v2 (inactive_file) and takes usage as is when the engine gives no breakdown', () => {
    expect(sampleFromStats({ memory_stats: { usage: 2000, stats: { inactive_file: 500 } }, cpu_stats: { cpu_usage: { total_usage: 2e9 } } })).toEqual({
      rssBytes: 1500,
      cpuSeconds: 2,
    });
    expect(sampleFromStats({ memory_stats: { usage: 2000 }, cpu_stats: { cpu_usage: { total_usage: 0 } } })).toEqual({ rssBytes: 2000, cpuSeconds: 0 });
  });

  it('is undefined for a stopped container (the engine sends empty stats)', () => {
    expect(sampleFromStats({ memory_stats: {}, cpu_stats: { cpu_usage: {} } })).toBeUndefined();
  });
});

describe('exitInfoFromStatus', () => {
  it('keeps plain exit codes', () => {
    expect(exitInfoFromStatus(0)).toEqual({ exitCode: 0, signal: null });
    expect(exitInfoFromStatus(3)).toEqual({ exitCode: 3, signal: null });
  });

  it('turns 128 + n into the signal that killed PID 1', () => {
    expect(exitInfoFromStatus(137)).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(exitInfoFromStatus(143)).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });
});
