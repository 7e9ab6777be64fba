import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureImages } from '../containers/build/ensure-images.ts';
import { imageRecipes } from '../containers/build/recipes.ts';
import { recipesFor } from '../src/targets/engine/reference-images.ts';
import { drill, untilOutput } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { runLeftovers, swarmTestsRun } from './helpers/swarm.ts';
import { testRun, type TestRun } from './helpers/test-config.ts';

/**
 * The swarm target end to end through the CLI, where a rollback fails: a V1 release that exits at once
 * (its tasks never converge) and a run interrupted with SIGINT leave no service, network or container.
 */
const exitingV1 = 'drill-swarm-test-v1-exits-at-once:latest';

describe.runIf(swarmTestsRun)('swarm target through the CLI: failures leave nothing behind', () => {
  let current: TestRun | undefined;
  let contextDir: string;

  beforeAll(async () => {
    await ensureImages({ recipes: recipesFor(['drill-node-base'], imageRecipes()) });
    contextDir = await mkdtemp(join(tmpdir(), 'drill-swarm-exiting-v1-'));
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
  afterEach(async () => {
    if (current) {
      const journal = await latestJournal(current.reportDir);
      expect(await runLeftovers(journal.runId)).toEqual([]);
      expect(await processesMentioning(current.marker, current.tmp)).toEqual([]);
    }
    current = undefined;
  });
  // With the V1 that exits at once, a 3 s monitor period: node takes about 500 ms to boot in a task on this
  // loaded machine, so with the default 500 ms such a task could pass for converged (it did in 3 runs of 4).
  const onSwarm = (v1?: string) => (staging: Record<string, any>) => {
    staging['target'] = { kind: 'swarm', convergeTimeoutMs: 30_000, ...(v1 ? { v1: { image: v1 }, monitorMs: 3000 } : {}) };
  };
  const args = (run: TestRun) => ['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'rollback-time'];

  it('a V1 that exits at once: the start names the service, its failed tasks and the last log line (exit 1)', async () => {
    current = await testRun(onSwarm(exitingV1));
    const result = await drill(args(current), { TMPDIR: current.tmp });
    expect(result.exitCode, result.all).toBe(1);
    expect(result.all.split('\n')[0]).toMatch(/target swarm \(a Docker [^ ]+ swarm, service abaco-pipeline-[a-z0-9]{6} \(update\)/);
    const test = (await latestJournal(current.reportDir)).tests[0]!;
    const failed = test.steps.find((s) => s.status === 'failed');
    expect(failed?.id).toBe('start-v1');
    expect(failed?.error).toMatch(
      /V1 service abaco-pipeline-\w+ did not converge: 3 tasks of the new spec failed; 0\/1 tasks running on the new spec; tasks: .*failed \(task: non-zero exit \(3\)\)[\s\S]*V1: configuration incomplete, refusing to start/,
    );
  });

  it('SIGINT mid-drill: exit 130, journal interrupted, service, network and containers removed', async () => {
    current = await testRun(onSwarm());
    const child = drill(args(current), { TMPDIR: current.tmp });
    await untilOutput(child, 'Let V2 complete a KPI run');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.all).toBe(130);
    expect((await latestJournal(current.reportDir)).status).toBe('interrupted');
  });
});
