import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureImages } from '../containers/build/ensure-images.ts';
import { imageRecipes } from '../containers/build/recipes.ts';
import { recipesFor } from '../src/targets/engine/reference-images.ts';
import { OWNER_LABEL, RUN_ID_LABEL } from '../src/targets/engine/run-labels.ts';
import { drill, untilOutput } from '../test/helpers/cli.ts';
import { latestJournal } from '../test/helpers/journal.ts';
import { processesMentioning } from '../test/helpers/leftovers.ts';
import { testRun, type TestRun } from '../test/helpers/test-config.ts';
import { drillTargets } from './targets.ts';

/**
 * The docker target end to end through the CLI: after a passed run, a failed run (a V1 image that
 * exits at once) and a run interrupted with SIGINT, no container, network or process of the run is
 * left: `docker ps -a --filter label=org.rollback-drill.run-id` lists nothing.
 */
const exitingV1 = 'drill-test-v1-exits-at-once:latest';

/** What carries the harness label — of the drill process `owner` when given (another drill may run on this engine). */
async function labelled(owner?: number): Promise<string[]> {
  const filter = owner ? `label=${OWNER_LABEL}=${hostname()}:${owner}` : `label=${RUN_ID_LABEL}`;
  const containers = await execa('docker', ['ps', '--all', '--filter', filter, '--format', '{{.Names}} {{.Status}}']);
  const networks = await execa('docker', ['network', 'ls', '--filter', filter, '--format', 'network {{.Name}}']);
  return [...containers.stdout.split('\n'), ...networks.stdout.split('\n')].filter(Boolean);
}

const onDocker =
  (change: (staging: Record<string, any>) => void = () => undefined) =>
  (staging: Record<string, any>) => {
    staging['target'] = { kind: 'docker' };
    change(staging);
  };

describe.runIf(drillTargets.includes('docker'))('docker target: nothing left behind', () => {
  let current: TestRun | undefined;
  let contextDir: string;

  beforeAll(async () => {
    // A real image whose entrypoint exits at once, as a broken V1 release would.
    await ensureImages({ recipes: recipesFor(['drill-node-base'], imageRecipes()) });
    contextDir = await mkdtemp(join(tmpdir(), 'drill-exiting-v1-'));
    await writeFile(
      join(contextDir, 'Dockerfile'),
      `FROM drill-node-base\nENTRYPOINT ["/usr/local/bin/node", "-e", "console.error('V1: configuration incomplete, refusing to start'); process.exit(3)"]\n`,
    );
    await execa('docker', ['build', '--quiet', '--tag', exitingV1, contextDir], { env: { DOCKER_BUILDKIT: '0' } });
  });
  afterAll(async () => {
    await execa('docker', ['image', 'rm', '--force', exitingV1], { reject: false });
    await rm(contextDir, { recursive: true, force: true });
  });
  let owner: number | undefined;
  const run = (args: string[], env: Record<string, string>) => {
    const child = drill(args, env);
    owner = child.pid;
    return child;
  };
  afterEach(async () => {
    expect(owner).toBeDefined();
    expect(await labelled(owner)).toEqual([]);
    owner = undefined;
    if (current) expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
    current = undefined;
  });

  it('a passed run says docker on its first line and in the journal', async () => {
    current = await testRun(onDocker());
    const result = await run(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(0);
    // The engine may hold what a harness killed earlier left (CI starts on an engine whose state survived a killed
    // session): the run removes it first and says so at the end of the same line.
    expect(result.all.split('\n')[0]).toMatch(
      /target docker \(containers on Docker [^:]+: V1 drill-pipeline-v1:latest, V2 drill-pipeline-v2:latest\)( — removed what a killed harness left: .+)?$/,
    );
    expect(result.all).toMatch(/Postgres: PostgreSQL 15\.\d+ container \(drill-postgres:latest\)/);
    const journal = await latestJournal(current.reportDir);
    expect(journal).toMatchObject({ status: 'passed', target: 'docker' });
    const restore = journal.tests[0]!.steps.find((s) => s.id === 'restore-v1-config')!;
    expect(restore.output?.['artifact']).toMatchObject({ image: 'drill-pipeline-v1:latest', id: expect.stringMatching(/^sha256:/) });
  });

  it('a V1 image that exits at once fails the run (exit 1) with its last log line', async () => {
    current = await testRun(onDocker((staging) => (staging['target'].v1 = { image: exitingV1 })));
    const result = await run(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(1);
    const test = (await latestJournal(current.reportDir)).tests[0]!;
    const failed = test.steps.find((s) => s.status === 'failed');
    expect(failed?.error).toMatch(/V1 (exited with code 3|is not running)[\s\S]*V1: configuration incomplete, refusing to start/);
    expect(test.cleanup.map((c) => c.label)).toEqual(expect.arrayContaining(['stop V1', 'stop V2']));
  });

  it('SIGINT mid-drill: exit 130, journal interrupted, containers and network removed', async () => {
    current = await testRun(onDocker());
    const child = run(['run', '--config', current.configFile, '--report-dir', current.reportDir, '--only', 'rollback-time'], { TMPDIR: current.tmp });
    // Interrupt once V2 is up and running its KPI job: Postgres and V2 both need cleaning up.
    await untilOutput(child, 'Let V2 complete a KPI run');
    expect((await labelled(owner)).length).toBeGreaterThanOrEqual(3); // Postgres, V2, the network: there is something to clean up
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.all).toBe(130);
    const journal = await latestJournal(current.reportDir);
    expect(journal.status).toBe('interrupted');
    expect(journal.tests[0]!.cleanup.map((c) => c.label)).toEqual(expect.arrayContaining(['stop V2']));
  });
});
