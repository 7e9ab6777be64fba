import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, selectEnvironment } from '../src/config/load-config.ts';
import type { CheckRecord, StepRecord, TestRecord } from '../src/journal/journal-types.ts';
import { runDrills, type RunDrillsResult } from '../src/run/run-drills.ts';
import { reportToAllure } from './allure-drill.ts';

export { reportToAllure };

/**
 * The environment the runbook suites drill: `DRILL_CONFIG` (a config file, relative to where vitest
 * runs) and `DRILL_ENV` (an environment of it); by default the embedded default, drill.config.ts's
 * `staging`, on every target the machine can run. A user's own environment (either variable set) runs
 * as it is configured, exactly as `drill run --env <name> --config <file>` would: on its own target,
 * with no `--target` override.
 */
export const drillEnvironment = {
  configFile: process.env['DRILL_CONFIG'] || 'drill.config.ts',
  name: process.env['DRILL_ENV'] || 'staging',
  own: Boolean(process.env['DRILL_CONFIG'] || process.env['DRILL_ENV']),
};

/** The target kind of the user's own environment (DRILL_CONFIG / DRILL_ENV); undefined for the embedded default. */
export async function ownEnvironmentTarget(): Promise<string | undefined> {
  if (!drillEnvironment.own) return undefined;
  return selectEnvironment((await loadConfig(drillEnvironment.configFile)).config, drillEnvironment.name).target.kind;
}

export interface OneTest {
  run: RunDrillsResult;
  test: TestRecord;
  reportDir: string;
  check(id: string): CheckRecord;
  step(id: string): StepRecord;
  checklist(): Promise<string>;
}

/**
 * Runs one runbook test of the drilled environment (above) on one target, through the library, and
 * hands the run to the suite's Allure results (drills/allure-drill.ts).
 */
export async function runOne(testId: string, target: string): Promise<OneTest> {
  const reportDir = await mkdtemp(join(tmpdir(), `drill-${testId}-`));
  const run = await runDrills({
    loaded: await loadConfig(drillEnvironment.configFile),
    environmentName: drillEnvironment.name,
    ...(drillEnvironment.own ? {} : { targetOverride: target }),
    only: [testId],
    reportDir,
    signal: new AbortController().signal,
  });
  reportToAllure(run);
  const test = run.journal.tests[0]!;
  return {
    run,
    test,
    reportDir,
    check: (id) => test.checks.find((c) => c.id === id) ?? fail(`no check ${id} in ${test.checks.map((c) => c.id).join(', ')}`),
    step: (id) => test.steps.find((s) => s.id === id) ?? fail(`no step ${id} in ${test.steps.map((s) => s.id).join(', ')}`),
    checklist: () => readFile(join(run.runDir, 'checklist.md'), 'utf8'),
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** What failed, for assertion messages. */
export function problems(test: TestRecord): string {
  return JSON.stringify({ steps: test.steps.filter((s) => s.error), checks: test.checks.filter((c) => c.status !== 'passed'), warnings: test.warnings }, null, 2);
}
