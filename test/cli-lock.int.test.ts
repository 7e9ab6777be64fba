import { afterEach, describe, expect, it } from 'vitest';
import { drill } from './helpers/cli.ts';
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
    let output = '';
    const runId = await new Promise<string>((resolve, reject) => {
      first.all?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const id = /^drill (\S+): environment staging/m.exec(output)?.[1];
        if (id && output.includes('Deploy V2')) resolve(id);
      });
      void first.then(() => reject(new Error(`the first drill ended before V2 was deployed:\n${output}`)));
    });
    const second = await drill(args, { TMPDIR: current.tmp });
    expect(second.exitCode, second.all).toBe(3);
    expect(second.all).toContain(`environment staging is being drilled by run ${runId} (pid ${first.pid}`);
    const result = await first;
    expect(result.exitCode, result.all).toBe(0);
  });
});
