import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Journal } from '../../src/journal/journal-types.ts';
import { drill } from './cli.ts';
import { testRun, type TestRun } from './test-config.ts';

/**
 * A real run folder made by the CLI: the rollback-time drill on local processes (no engine needed),
 * for tests about what a run leaves behind. Throws with the drill's output when it does not pass.
 */
export async function drilledRun(): Promise<{ run: TestRun; runDir: string; journal: Journal }> {
  const run = await testRun();
  const drilled = await drill(['run', '--config', run.configFile, '--target', 'process', '--report-dir', run.reportDir, '--only', 'rollback-time'], { TMPDIR: run.tmp });
  if (drilled.exitCode !== 0) throw new Error(`the drill exited ${drilled.exitCode}:\n${drilled.all}`);
  const runDir = drilled.stdout.match(/^journal: (.*)\/journal\.json$/m)![1]!;
  const journal = JSON.parse(await readFile(join(runDir, 'journal.json'), 'utf8')) as Journal;
  return { run, runDir, journal };
}
