import { spawnSync } from 'node:child_process';

function engineAnswers(): boolean {
  return spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/**
 * Whether the tests that need a Docker engine run: when one answers, and in CI always — there a
 * missing engine fails them loudly instead of skipping them.
 */
export const dockerTestsRun = process.env['CI'] === 'true' || engineAnswers();

if (!dockerTestsRun) console.warn('no Docker engine answers: the docker-target tests do not run here (with CI=true they always do)');
