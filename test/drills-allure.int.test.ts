import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepResult, TestResult } from 'allure-js-commons';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.ts';

/**
 * `npx vitest run --project drills <suite>` as a user runs it, on one suite and one target (a real
 * rollback-time drill on local processes): allure-vitest writes the suite's Allure results, the first
 * test carrying the drill's runbook steps, checks and evidence, and vitest's junit reporter its JUnit.
 */
let out: string;
let results: TestResult[];
let junit: string;
let output: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'drills-allure-'));
  // A clean environment for the inner vitest: none of this run's VITEST_* variables, no user environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'DRILL_CONFIG' && name !== 'DRILL_ENV'));
  const run = await execa(
    'npx',
    ['vitest', 'run', '--project', 'drills', 'drills/rollback-time.drill.test.ts', '-t', 'target process', `--outputFile.junit=${join(out, 'junit.xml')}`],
    {
      cwd: repoRoot,
      env: { ...env, ALLURE_RESULTS_DIR: join(out, 'allure-results'), FORCE_COLOR: '0' },
      extendEnv: false,
      reject: false,
      all: true,
      stdin: 'ignore',
    },
  );
  output = run.all;
  expect(run.exitCode, output).toBe(0);
  const names = await readdir(join(out, 'allure-results'));
  results = await Promise.all(names.filter((n) => n.endsWith('-result.json')).map(async (n) => JSON.parse(await readFile(join(out, 'allure-results', n), 'utf8')) as TestResult));
  junit = await readFile(join(out, 'junit.xml'), 'utf8');
}, 600_000);
afterAll(() => rm(out, { recursive: true, force: true }));

const label = (result: TestResult, name: string) => result.labels.filter((l) => l.name === name).map((l) => l.value);

describe('the drill suites through allure-vitest', () => {
  it('writes one result per test that ran, each labelled with the drill', () => {
    expect(results.map((r) => r.name).sort(), output).toEqual([
      'fills the Test 3 section of checklist.md and copies the run to latest/',
      "keeps V2's final 50 log lines as evidence",
      'leaves no secret in the journal',
      'measures the rollback window within the 300 s budget',
      'passes on that target, with every runbook execution step timed',
      'stopped V2 gracefully and proved V1 wrote KPI rows and readable output files',
    ]);
    for (const result of results) {
      expect(result.status, result.name).toBe('passed');
      expect(label(result, 'framework')).toEqual(['vitest']);
      expect(label(result, 'epic')).toEqual(['Rollback drill: staging']);
      expect(label(result, 'feature')).toEqual(['Rollback Time Measurement']);
      expect(label(result, 'story')).toEqual(['target process']);
      expect(result.parameters).toEqual(
        expect.arrayContaining([
          { name: 'environment', value: 'staging' },
          { name: 'target', value: 'process' },
        ]),
      );
    }
  });

  it('replays the drill into the first test: every runbook step with its own time and status, then the checks and cleanups', () => {
    const carriers = results.filter((r) => r.steps.length > 0);
    expect(carriers.map((r) => r.name)).toEqual(['passes on that target, with every runbook execution step timed']);
    const [carrier] = carriers as [TestResult];
    expect(carrier.description).toMatch(/^Rollback Time Measurement \(`rollback-time`\) — passed\n\nRollback window \(stop V2 → V1 validated\): \d+ ms/);
    const runbook = carrier.steps.filter((s) => s.parameters?.some((p) => p.name === 'phase'));
    expect(runbook.filter((s) => s.parameters.some((p) => p.name === 'phase' && p.value === 'rollback')).map((s) => /\(([a-z0-9-]+)\)$/.exec(s.name!)?.[1])).toEqual([
      'stop-v2',
      'capture-v2-logs',
      'restore-v1-config',
      'start-v1',
      'v1-healthy',
      'validate-v1',
    ]);
    for (const step of runbook) {
      expect(step.status, step.name).toBe('passed');
      // The journal's times: the drill ran in beforeAll, before this test started.
      expect(step.stop!, step.name).toBeGreaterThanOrEqual(step.start!);
      expect(step.stop!, step.name).toBeLessThanOrEqual(carrier.start!);
    }
    const budget = carrier.steps.find((s) => s.name?.startsWith('check: Rollback completed within 300 s'))!;
    expect(budget.status).toBe('passed');
    expect(budget.parameters).toEqual([
      { name: 'id', value: 'rollback-within-budget' },
      { name: 'value', value: expect.stringMatching(/^\d+ ms$/) },
      { name: 'threshold', value: '300000 ms' },
    ]);
    expect(carrier.steps.filter((s) => s.name?.startsWith('cleanup: ')).length).toBeGreaterThan(0);
  });

  it('attaches the evidence and the checklist as files of the results folder', async () => {
    const carrier = results.find((r) => r.steps.length > 0)!;
    const attachments = (steps: StepResult[]): Array<{ name: string; source: string }> => steps.flatMap((s) => [...(s.attachments ?? []), ...attachments(s.steps ?? [])]);
    const byName = new Map(attachments(carrier.steps).map((a) => [a.name, a.source]));
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['rollback-time/v2-final-state.log', 'checklist.md']));
    expect(await readFile(join(out, 'allure-results', byName.get('rollback-time/v2-final-state.log')!), 'utf8')).toContain('"version":"v2"');
    expect(await readFile(join(out, 'allure-results', byName.get('checklist.md')!), 'utf8')).toMatch(/^# Testing Checklist — rollback drill /);
  });

  it("writes JUnit through vitest's own reporter", () => {
    expect(junit).toMatch(/<testsuites name="vitest tests" tests="24" failures="0" errors="0"/);
    expect(junit).toContain('name="Test 3: rollback time measurement (target process) &gt; passes on that target, with every runbook execution step timed"');
  });
});
