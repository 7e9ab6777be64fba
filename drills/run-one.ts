import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import type { TargetKind } from '../src/config/schema.ts';
import type { CheckRecord, StepRecord, TestRecord } from '../src/journal/journal-types.ts';
import { runDrills, type RunDrillsResult } from '../src/run/run-drills.ts';

export interface OneTest {
  run: RunDrillsResult;
  test: TestRecord;
  reportDir: string;
  check(id: string): CheckRecord;
  step(id: string): StepRecord;
  checklist(): Promise<string>;
}

/** Runs one runbook test of the embedded default (drill.config.ts, staging) on one target, through the library. */
export async function runOne(testId: string, target: TargetKind): Promise<OneTest> {
  const reportDir = await mkdtemp(join(tmpdir(), `drill-${testId}-`));
  const run = await runDrills({
    loaded: await loadConfig('drill.config.ts'),
    environmentName: 'staging',
    targetOverride: target,
    only: [testId],
    reportDir,
    signal: new AbortController().signal,
  });
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
  return JSON.stringify(
    { steps: test.steps.filter((s) => s.error), checks: test.checks.filter((c) => c.status !== 'passed'), warnings: test.warnings },
    null,
    2,
  );
}
