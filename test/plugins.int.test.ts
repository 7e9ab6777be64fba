import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drill, repoRoot } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';
import { testRun } from './helpers/test-config.ts';

/**
 * The plug-in points, used as a user would: a drill.config.ts outside this repository (it imports
 * 'rollback-drill', installed as npm links a folder) adds a fifth drill, a target and a reporter, and a
 * real drill runs them. checklist.md and report.html show the fifth drill's section.
 */
describe('plug-ins from a config file outside src/', () => {
  it('runs a fifth drill on a user target, and a user reporter writes its output into the sealed run', async () => {
    // The orders pair's staging environment, with absolute paths: what a user's own pair would be.
    const base = await testRun(() => undefined, 'orders');
    const staging = JSON.parse(await readFile(base.configFile, 'utf8')).environments.staging as Record<string, unknown>;
    const dir = await mkdtemp(join(tmpdir(), 'drill-plugins-'));
    await mkdir(join(dir, 'node_modules'));
    await symlink(repoRoot, join(dir, 'node_modules', 'rollback-drill'), 'dir');
    await symlink(join(repoRoot, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
    // The user's project is ES modules, as the config's imports are.
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    const config = join(dir, 'drill.config.ts');
    await writeFile(config, userConfig({ ...staging, target: { kind: 'local', label: 'plugin-test' } }));

    const result = await drill(['run', '--config', config, '--env', 'staging', '--only', 'rollback-time,v1-restart', '--report-dir', join(dir, 'reports')], { TMPDIR: base.tmp });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain('target local (local processes, labelled plugin-test)');
    const journal = await latestJournal(join(dir, 'reports'));
    expect(journal.target).toBe('local');
    expect(journal.tests.map((t) => t.id)).toEqual(['rollback-time', 'v1-restart']);
    const fifth = journal.tests[1]!;
    expect(fifth).toMatchObject({ title: 'V1 restart', status: 'passed' });
    expect(fifth.checks.map((c) => c.id)).toEqual(['v1-restart-within-budget']);

    const checklist = await readFile(join(dir, 'reports', 'latest', 'checklist.md'), 'utf8');
    expect(checklist).toMatch(/- \[x\] V1 restart rehearsed\n {2}- \[x\] Restart time: \d+\.\d seconds/);
    expect(checklist).toContain('## V1 restart (v1-restart) — PASSED');
    const html = await readFile(join(dir, 'reports', 'latest', 'report.html'), 'utf8');
    expect(html).toContain('V1 restart rehearsed');
    expect(html).toContain('v1-restart-within-budget');

    // The user's reporter wrote from the journal, before the seal: the run verifies with its file in it.
    expect(await readFile(join(dir, 'reports', 'latest', 'summary.txt'), 'utf8')).toBe(`${journal.runId} passed: rollback-time passed, v1-restart passed\n`);
    const verify = await drill(['verify', join(dir, 'reports', 'latest')]);
    expect(verify.exitCode, verify.all).toBe(0);
    expect(await processesMentioning(base.marker, base.tmp)).toEqual([]);
  });

  it('names an unknown drill given by --only among the user’s and the built-in ones (exit 3)', async () => {
    const base = await testRun(() => undefined, 'orders');
    const staging = JSON.parse(await readFile(base.configFile, 'utf8')).environments.staging as Record<string, unknown>;
    const dir = await mkdtemp(join(tmpdir(), 'drill-plugins-'));
    await mkdir(join(dir, 'node_modules'));
    await symlink(repoRoot, join(dir, 'node_modules', 'rollback-drill'), 'dir');
    await symlink(join(repoRoot, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    await writeFile(join(dir, 'drill.config.ts'), userConfig({ ...staging, target: { kind: 'local' } }));
    const result = await drill(['run', '--config', join(dir, 'drill.config.ts'), '--only', 'v1-restarts', '--report-dir', join(dir, 'reports')]);
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain("unknown drill given by --only 'v1-restarts' (known: dry-run, data-validation, rollback-time, roll-forward, v1-restart)");
  });
});

/** A user's drill.config.ts: their environment, and a drill, a target and a reporter of their own. */
function userConfig(staging: Record<string, unknown>): string {
  return `import { z } from 'zod';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ProcessTarget, budgetChecks, defineConfig, defineDrill, defineReporter, defineTargetPlugin, deployService,
  newTestState, prepareDatabase, runSetup, startService, stopService, waitServiceHealthy,
} from 'rollback-drill';

// A target of our own: local processes, with a label of ours in every description.
const local = defineTargetPlugin({
  kind: 'local',
  description: 'local processes with a label',
  schema: z.strictObject({ kind: z.literal('local'), label: z.string().default('local') }),
  open: async (config) => {
    const inner = new ProcessTarget();
    const label = (config as { label: string }).label;
    return {
      target: { kind: 'local', description: \`local processes, labelled \${label}\`, deploy: (spec) => inner.deploy(spec) },
      serviceHost: async () => '127.0.0.1',
      close: async () => ({ leftovers: [], errors: [] }),
    };
  },
});

// A fifth drill: V1 restarted on its own data, the restart timed like a rollback and held to the budget.
const v1Restart = defineDrill({
  id: 'v1-restart',
  title: 'V1 restart',
  plan(world, evidence) {
    const state = newTestState('v1-restart', evidence);
    const steps = [
      prepareDatabase(world, state),
      runSetup(world, state),
      deployService(world, state, 'v1'),
      stopService(world, state, 'v1', 'rollback'),
      startService(world, state, 'v1', 'rollback'),
      waitServiceHealthy(world, state, 'v1', 'rollback'),
    ];
    const [budget] = budgetChecks(world, steps.map((s) => s.id));
    return { id: 'v1-restart', title: 'V1 restart', steps, checks: [{ ...budget!, id: 'v1-restart-within-budget', title: 'V1 restarted within the rollback budget' }] };
  },
  checklist: (test) =>
    test
      ? { done: test.status === 'passed', text: 'V1 restart rehearsed', children: [{ done: test.rollbackMs !== undefined, text: \`Restart time: \${((test.rollbackMs ?? 0) / 1000).toFixed(1)} seconds\` }] }
      : { done: false, text: 'V1 restart rehearsed', remark: 'not run in this drill' },
});

// A reporter of our own: one line per run, from the journal.
const summary = defineReporter({
  name: 'summary',
  write: async (journal, { runDir }) => {
    await writeFile(join(runDir, 'summary.txt'), \`\${journal.runId} \${journal.status}: \${journal.tests.map((t) => \`\${t.id} \${t.status}\`).join(', ')}\\n\`);
  },
});

export default defineConfig({
  plugins: { drills: [v1Restart], targets: [local], reporters: [summary] },
  environments: { staging: ${JSON.stringify(staging, null, 2)} as any },
});
`;
}
