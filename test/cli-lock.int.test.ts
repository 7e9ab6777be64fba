import { afterEach, describe, expect, it } from 'vitest';
import { drill, untilOutput } from './helpers/cli.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

let current: TestRun | undefined;
afterEach(async () => {
  if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
  current = undefined;
});

describe('two drills against one environment at once', () => {
  it('refuses the second (exit 3) naming the run that holds the environment; the first goes on and passes', async () => {
    current = await testRun();
    const args = ['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'];
    const first = drill(args, { TMPDIR: current.tmp });
    const output = await untilOutput(first, 'Deploy V2');
    const runId = /^drill (\S+): environment staging/m.exec(output)?.[1];
    const second = await drill(args, { TMPDIR: current.tmp });
    expect(second.exitCode, second.all).toBe(3);
    expect(second.all).toContain(`environment staging is being drilled by run ${runId} (pid ${first.pid}`);
    const result = await first;
    expect(result.exitCode, result.all).toBe(0);
  });
});
