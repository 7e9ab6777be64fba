import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drill } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * The docker target when no engine answers (DOCKER_HOST names a socket nothing listens on): forced
 * with --target docker it is a harness error; as the embedded default it falls back to local
 * processes and says why on the first line — except in CI, where a missing engine must fail.
 */
let current: TestRun | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

const noEngine = (run: TestRun) => ({ TMPDIR: run.tmp, DOCKER_HOST: `unix://${join(run.dir, 'no-engine.sock')}` });
const withFallback = (staging: Record<string, any>) => {
  staging['target'] = { kind: 'docker', fallback: 'process' };
};

describe('docker target without an engine', () => {
  it('--target docker exits 3 naming the engine it asked and how to start one', async () => {
    current = await testRun(withFallback);
    const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--target', 'docker'], { ...noEngine(current), CI: 'false' });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain(`target docker: no Docker engine answers at unix://${join(current.dir, 'no-engine.sock')} (ENOENT)`);
    expect(result.all).toContain('dockerd');
    const journal = await latestJournal(current.reportDir);
    expect(journal).toMatchObject({ status: 'error', target: 'docker', tests: [] });
  });

  it('the embedded default keeps local processes and says why on its first line', async () => {
    current = await testRun(withFallback);
    const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], { ...noEngine(current), CI: 'false' });
    expect(result.exitCode, result.all).toBe(0);
    const firstLine = result.all.split('\n')[0];
    expect(firstLine).toMatch(/target process \(local processes\) — no Docker engine answers at unix:\/\/\S+ \(ENOENT\): kept the embedded default/);
    const journal = await latestJournal(current.reportDir);
    expect(journal).toMatchObject({ status: 'passed', target: 'process', targetNotice: expect.stringContaining('no Docker engine answers') });
  });

  it('in CI (CI=true) a missing engine is a failure, not a quiet fallback', async () => {
    current = await testRun(withFallback);
    const result = await drill(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], { ...noEngine(current), CI: 'true' });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain('CI=true: no fallback to local processes in CI');
  });
});
