import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { evaluate } from './evaluate.ts';
import { parseTelemetry, readTelemetry } from './read-telemetry.ts';

const t = (seconds: number) => new Date(Date.UTC(2026, 2, 2, 10, 0, seconds)).toISOString();

describe('telemetry validation', () => {
  it('accepts an empty sample and an empty series: every field is optional', () => {
    const telemetry = parseTelemetry({ samples: [{ t: t(0) }] }, 'x');
    const decision = evaluate(telemetry);
    expect(decision.decision).toBe('continue');
    expect(decision.evaluated.every((e) => e.status === 'no-data' || e.status === 'not-measured')).toBe(true);
    expect(evaluate(parseTelemetry({ samples: [] }, 'x'))).toMatchObject({ decision: 'continue', samples: 0 });
  });

  it('names the sample out of time order', () => {
    expect(() => parseTelemetry({ samples: [{ t: t(0) }, { t: t(10) }, { t: t(20) }, { t: t(20) }] }, 'f.json')).toThrow(
      /samples\.3\.t: 2026-03-02T10:00:20.000Z is not after samples\.2\.t 2026-03-02T10:00:20.000Z: samples must be in time order/,
    );
  });

  it('names bad and unknown fields by path', () => {
    const bad = () => parseTelemetry({ samples: [{ t: t(0) }, { t: 'yesterday', latencyMS: 5, errors: -1, dependencies: { blob: 'down' } }] }, 'f.json');
    expect(bad).toThrow(HarnessError);
    expect(bad).toThrow(/samples\.1\.t: /);
    expect(bad).toThrow(/samples\.1\.latencyMS/);
    expect(bad).toThrow(/samples\.1\.errors: /);
    expect(bad).toThrow(/samples\.1\.dependencies\.blob: /);
  });

  it('refuses times without a zone', () => {
    expect(() => parseTelemetry({ samples: [{ t: '2026-03-02T10:00:00' }] }, 'f.json')).toThrow(/samples\.0\.t: /);
  });

  it('refuses parts larger than their whole', () => {
    expect(() => parseTelemetry({ samples: [{ t: t(0), transactions: 10, errors: 11 }] }, 'f.json')).toThrow(/samples\.0\.errors: 11 errors > 10 transactions/);
    expect(() => parseTelemetry({ samples: [{ t: t(0), errors: 1, retryableErrors: 2 }] }, 'f.json')).toThrow(/samples\.0\.retryableErrors: /);
    expect(() => parseTelemetry({ samples: [{ t: t(0), dbConnectAttempts: 1, dbConnectFailures: 2 }] }, 'f.json')).toThrow(/samples\.0\.dbConnectFailures: /);
  });

  it('requires samples and a positive baseline throughput', () => {
    expect(() => parseTelemetry({}, 'f.json')).toThrow(/samples: /);
    expect(() => parseTelemetry({ baseline: { throughputRowsPerSec: 0 }, samples: [] }, 'f.json')).toThrow(/baseline\.throughputRowsPerSec: /);
  });

  it('names the file that cannot be read or parsed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'telemetry-'));
    await expect(readTelemetry(join(dir, 'missing.json'))).rejects.toThrow(/telemetry .*missing\.json cannot be read/);
    await writeFile(join(dir, 'broken.json'), '{ "samples": [');
    await expect(readTelemetry(join(dir, 'broken.json'))).rejects.toThrow(/telemetry .*broken\.json is not valid JSON/);
  });
});
