import { describe, expect, it } from 'vitest';
import { parseProcSample, sampleProcess } from './proc-stats.ts';

describe('parseProcSample', () => {
  it('reads VmRSS and utime+stime, even with a command name holding spaces and parens', () => {
    const status = 'Name:\tnode\nVmRSS:\t   51200 kB\n';
    const stat = '4242 (node (v2) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0';
    expect(parseProcSample(status, stat)).toEqual({ rssBytes: 51200 * 1024, cpuSeconds: 3 });
  });

  it('gives undefined for a kernel thread without VmRSS', () => {
    expect(parseProcSample('Name:\tkthreadd\n', '2 (kthreadd) S 0 0 0 0 -1 0 0 0 0 0 0 0 0 0')).toBeUndefined();
  });
});

describe('sampleProcess', () => {
  it.runIf(process.platform === 'linux')('samples this very process', async () => {
    const sample = await sampleProcess(process.pid);
    expect(sample?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(sample?.cpuSeconds).toBeGreaterThan(0);
  });

  it('gives undefined for a pid that does not exist', async () => {
    expect(await sampleProcess(2 ** 22 + 7)).toBeUndefined();
  });
});
