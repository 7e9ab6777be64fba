/**
 * What one journal test looks like in Allure: its steps, checks and cleanups as steps with the
 * journal's own times and statuses, its labels and the evidence to attach. Pure data, shared by the
 * two writers: `drill run`'s allure-results (allure.ts, through allure-js-commons' ReporterRuntime)
 * and the drill suites' allure-vitest results (drills/allure-drill.ts, through the test runtime).
 */
import { createHash } from 'node:crypto';
import { Status, type Label, type Parameter, type StatusDetails } from 'allure-js-commons';
import type { CheckRecord, CheckStatus, Journal, StepRecord, StepStatus, TestRecord, TestStatus } from '../journal/journal-types.ts';
import type { EvidenceAttachment, SelectedEvidence } from './allure-attachments.ts';

export interface AllureStepModel {
  name: string;
  status: Status;
  statusDetails: StatusDetails;
  start: number;
  stop: number;
  parameters: Parameter[];
  attachments: EvidenceAttachment[];
}

export interface AllureTestModel {
  name: string;
  fullName: string;
  historyId: string;
  testCaseId: string;
  description: string;
  status: Status;
  statusDetails: StatusDetails;
  start: number;
  stop: number;
  labels: Label[];
  parameters: Parameter[];
  steps: AllureStepModel[];
  /** Evidence no check points at, attached to the test itself. */
  attachments: EvidenceAttachment[];
}

export function allureTestModel(journal: Journal, test: TestRecord, host: string, evidence: SelectedEvidence): AllureTestModel {
  const start = Date.parse(test.startedAt);
  const stop = start + test.durationMs;
  const fullName = `rollback-drill.${test.id}`;
  const description = [
    `${test.title} (\`${test.id}\`) — ${test.status}`,
    ...(test.rollbackMs === undefined ? [] : [`Rollback window (stop V2 → V1 validated): ${test.rollbackMs} ms`]),
    ...(evidence.notAttached.length ? ['Evidence not attached:', ...evidence.notAttached.map((e) => `- ${e}`)] : []),
  ].join('\n\n');
  return {
    name: test.title,
    fullName,
    // History follows the environment and the test id only: the database label carries an
    // ephemeral port that changes every run and would break the history.
    historyId: hash(`${journal.environment}\u0000${test.id}`),
    testCaseId: hash(fullName),
    description,
    status: allureStatus[test.status],
    statusDetails: testDetails(test),
    start,
    stop,
    labels: [
      { name: 'suite', value: journal.environment },
      { name: 'feature', value: 'rollback drill' },
      { name: 'story', value: test.id },
      { name: 'host', value: host },
      { name: 'tag', value: journal.target },
    ],
    // Allure 3 ignores `historyId` and keys history on testCaseId plus the parameters not marked
    // excluded; only the environment is left in, so both generations agree with historyId above.
    parameters: [
      { name: 'environment', value: journal.environment },
      { name: 'target', value: journal.target, excluded: true },
      { name: 'database', value: journal.database, excluded: true },
    ],
    steps: [...test.steps.map(stepModel), ...test.checks.map((c) => checkStep(c, stop, evidence.byCheck.get(c.id) ?? [])), ...cleanupSteps(test, stop)],
    attachments: evidence.attachments,
  };
}

function stepModel(step: StepRecord): AllureStepModel {
  const start = Date.parse(step.startedAt);
  return {
    name: `${step.title} (${step.id})`,
    status: allureStatus[step.status],
    statusDetails: step.error ? { message: firstLine(step.error), trace: step.error } : {},
    start,
    stop: start + step.durationMs,
    parameters: [{ name: 'phase', value: step.phase }, ...Object.entries(step.output ?? {}).map(([name, value]) => ({ name, value: show(value) }))],
    attachments: [],
  };
}

// The journal keeps no time for checks: they are evaluated once the steps are over, so they are
// placed at the test's end.
function checkStep(check: CheckRecord, at: number, attachments: EvidenceAttachment[]): AllureStepModel {
  const unit = check.unit ? ` ${check.unit}` : '';
  const details: StatusDetails = { actual: `${show(check.value)}${unit}`, expected: `${show(check.threshold)}${unit}` };
  if (check.message) details.message = check.message;
  else if (check.status !== 'passed') details.message = `${check.status}: value ${details.actual} vs threshold ${details.expected}`;
  return {
    name: `check: ${check.title} = ${show(check.value)}${unit} (threshold ${show(check.threshold)}${unit})`,
    status: allureStatus[check.status],
    statusDetails: details,
    start: at,
    stop: at,
    // The file the value came from, so the reader can verify it where the verdict is.
    attachments,
    parameters: [
      { name: 'id', value: check.id },
      { name: 'value', value: details.actual! },
      { name: 'threshold', value: details.expected! },
    ],
  };
}

// Cleanups run last and the journal keeps only their durations: they are laid out back to back
// so that the last one ends when the test does.
function cleanupSteps(test: TestRecord, stop: number): AllureStepModel[] {
  let start = stop - test.cleanup.reduce((sum, c) => sum + c.durationMs, 0);
  return test.cleanup.map((c) => {
    const step: AllureStepModel = {
      name: `cleanup: ${c.label}`,
      status: c.status === 'passed' ? Status.PASSED : Status.BROKEN,
      statusDetails: c.error ? { message: firstLine(c.error), trace: c.error } : {},
      start,
      stop: start + c.durationMs,
      parameters: [],
      attachments: [],
    };
    start += c.durationMs;
    return step;
  });
}

function testDetails(test: TestRecord): StatusDetails {
  if (test.status === 'passed') return {};
  const issues = [
    ...test.steps.filter((s) => s.status !== 'passed' && s.status !== 'skipped').map((s) => `step ${s.id} ${s.status}: ${s.error ?? 'no message'}`),
    ...test.checks.filter((c) => c.status !== 'passed').map((c) => `check ${c.id} ${c.status}${c.message ? `: ${c.message}` : ''}`),
    ...test.cleanup.filter((c) => c.status === 'error').map((c) => `cleanup "${c.label}" failed: ${c.error ?? 'no message'}`),
  ];
  const lead: Record<Exclude<TestStatus, 'passed'>, string> = {
    failed: 'the rollback is not safe',
    error: 'the harness failed',
    inconclusive: 'no verdict: setup did not complete or a measurement could not decide',
    interrupted: 'the run was cancelled before this test finished',
  };
  const summary = `${test.status} — ${lead[test.status]}`;
  return { message: [summary, ...issues.map(firstLine)].join('\n'), ...(issues.length ? { trace: issues.join('\n\n') } : {}) };
}

/**
 * A test's, a step's and a check's status as Allure's, one table for the three (they share their names):
 * - failed → failed: a drill check proved the rollback unsafe (Allure's "product defect").
 * - error → broken: the harness or environment failed (Allure's "test defect").
 * - interrupted → broken: the run was cut short (SIGINT), a problem with the run, not the rollback; as broken it
 *   still demands attention rather than hiding among skipped tests.
 * - inconclusive, skipped, waived → skipped: no verdict either way (a waived check: the environment cannot prove
 *   it and said why); Allure's skipped says "not judged" and keeps it out of both defect categories, while
 *   statusDetails still says why.
 */
const allureStatus: Record<TestStatus | StepStatus | CheckStatus, Status> = {
  passed: Status.PASSED,
  failed: Status.FAILED,
  error: Status.BROKEN,
  interrupted: Status.BROKEN,
  inconclusive: Status.SKIPPED,
  skipped: Status.SKIPPED,
  waived: Status.SKIPPED,
};

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
