import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../redaction/redactor.ts';
import type { CheckRecord, CheckStatus, Journal, StepRecord, StepStatus, TestRecord, TestStatus } from '../journal/journal-types.ts';
import { copyEvidence, type CopiedEvidence } from './allure-attachments.ts';
import type { AllureAttachment, AllureExecutor, AllureStatus, AllureStatusDetails, AllureStep, AllureTestResult } from './allure-model.ts';
import { renderProperties } from './properties-file.ts';

export interface AllureOptions {
  /** Share the run's Redactor so secrets known elsewhere are masked in the results too. */
  redactor?: Redactor;
  /** The `host` label; defaults to this machine's name. */
  host?: string;
  /** Evidence above this size is listed in the description instead of copied (a DB backup can be gigabytes). */
  maxAttachmentBytes?: number;
  uuid?: () => string;
}

const DEFAULT_MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;

/**
 * Writes `<runDir>/allure-results/` from the journal: one `<uuid>-result.json` per drill test,
 * its evidence copied in as `<uuid>-attachment.<ext>`, plus environment.properties and
 * executor.json — the files `allure generate` / `allure awesome` read. Returns every path written.
 */
export async function writeAllureResults(journal: Journal, runDir: string, options: AllureOptions = {}): Promise<string[]> {
  const { redactor = new Redactor(), host = hostname(), maxAttachmentBytes = DEFAULT_MAX_ATTACHMENT_BYTES, uuid = randomUUID } = options;
  const dir = join(runDir, 'allure-results');
  // The folder belongs to this run; re-rendering it (`drill report`) must not leave the previous
  // rendering's results beside the new ones, or Allure would count every test twice.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const writeText = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, redactor.redact(text));
    written.push(path);
  };

  for (const test of journal.tests) {
    const evidence = await copyEvidence(test, { runDir, dir, maxBytes: maxAttachmentBytes, uuid });
    written.push(...evidence.copied);
    const result = testResult(journal, test, uuid(), host, evidence);
    await writeText(`${result.uuid}-result.json`, JSON.stringify(result));
  }

  await writeText(
    'environment.properties',
    renderProperties({
      environment: journal.environment,
      target: journal.target,
      database: journal.database,
      'run.id': journal.runId,
      'run.status': journal.status,
      'run.startedAt': journal.startedAt,
      'run.finishedAt': journal.finishedAt,
      'run.error': journal.error,
    }),
  );
  const executor: AllureExecutor = { name: 'rollback-drill', type: 'rollback-drill', buildName: journal.runId, reportName: `Rollback drill ${journal.runId} (${journal.environment})` };
  await writeText('executor.json', JSON.stringify(executor));
  return written;
}

function testResult(journal: Journal, test: TestRecord, uuid: string, host: string, evidence: CopiedEvidence): AllureTestResult {
  const start = Date.parse(test.startedAt);
  const stop = start + test.durationMs;
  const fullName = `rollback-drill.${test.id}`;
  const description = [
    `${test.title} (\`${test.id}\`) — ${test.status}`,
    ...(test.rollbackMs === undefined ? [] : [`Rollback window (stop V2 → V1 validated): ${test.rollbackMs} ms`]),
    ...(evidence.notAttached.length ? ['Evidence not attached:', ...evidence.notAttached.map((e) => `- ${e}`)] : []),
  ].join('\n\n');
  return {
    uuid,
    // History follows the environment and the test id only: the database label carries an
    // ephemeral port that changes every run and would break the history.
    historyId: hash(`${journal.environment}\u0000${test.id}`),
    testCaseId: hash(fullName),
    fullName,
    name: test.title,
    description,
    status: testStatus(test.status),
    statusDetails: testDetails(test),
    stage: 'finished',
    start,
    stop,
    labels: [
      { name: 'suite', value: journal.environment },
      { name: 'feature', value: 'rollback drill' },
      { name: 'story', value: test.id },
      { name: 'host', value: host },
      { name: 'tag', value: journal.target },
    ],
    links: [],
    // Allure 3 ignores `historyId` and keys history on testCaseId plus the parameters not marked
    // excluded; only the environment is left in, so both generations agree with historyId above.
    parameters: [
      { name: 'environment', value: journal.environment },
      { name: 'target', value: journal.target, excluded: true },
      { name: 'database', value: journal.database, excluded: true },
    ],
    steps: [...test.steps.map(stepResult), ...test.checks.map((c) => checkStep(c, stop, evidence.byCheck.get(c.id) ?? [])), ...cleanupSteps(test, stop)],
    attachments: evidence.attachments,
  };
}

function stepResult(step: StepRecord): AllureStep {
  const start = Date.parse(step.startedAt);
  return {
    name: `${step.title} (${step.id})`,
    status: stepStatus(step.status),
    statusDetails: step.error ? { message: firstLine(step.error), trace: step.error } : {},
    stage: 'finished',
    start,
    stop: start + step.durationMs,
    steps: [],
    attachments: [],
    parameters: [{ name: 'phase', value: step.phase }, ...Object.entries(step.output ?? {}).map(([name, value]) => ({ name, value: show(value) }))],
  };
}

// The journal keeps no time for checks: they are evaluated once the steps are over, so they are
// placed at the test's end.
function checkStep(check: CheckRecord, at: number, attachments: AllureAttachment[]): AllureStep {
  const unit = check.unit ? ` ${check.unit}` : '';
  const details: AllureStatusDetails = { actual: `${show(check.value)}${unit}`, expected: `${show(check.threshold)}${unit}` };
  if (check.message) details.message = check.message;
  else if (check.status !== 'passed') details.message = `${check.status}: value ${details.actual} vs threshold ${details.expected}`;
  return {
    name: `check: ${check.title} = ${show(check.value)}${unit} (threshold ${show(check.threshold)}${unit})`,
    status: checkStatus(check.status),
    statusDetails: details,
    stage: 'finished',
    start: at,
    stop: at,
    steps: [],
    // The file the value came from, so the reader can verify it where the verdict is.
    attachments,
    parameters: [{ name: 'id', value: check.id }],
  };
}

// Cleanups run last and the journal keeps only their durations: they are laid out back to back
// so that the last one ends when the test does.
function cleanupSteps(test: TestRecord, stop: number): AllureStep[] {
  let start = stop - test.cleanup.reduce((sum, c) => sum + c.durationMs, 0);
  return test.cleanup.map((c) => {
    const step: AllureStep = {
      name: `cleanup: ${c.label}`,
      status: c.status === 'passed' ? 'passed' : 'broken',
      statusDetails: c.error ? { message: firstLine(c.error), trace: c.error } : {},
      stage: 'finished',
      start,
      stop: start + c.durationMs,
      steps: [],
      attachments: [],
      parameters: [],
    };
    start += c.durationMs;
    return step;
  });
}

function testDetails(test: TestRecord): AllureStatusDetails {
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

// failed → failed: a drill check proved the rollback unsafe (Allure's "product defect").
// error → broken: the harness or environment failed (Allure's "test defect").
// inconclusive → skipped: no verdict either way; Allure's skipped says "not judged" and keeps it
//   out of both defect categories, while statusDetails still says why.
// interrupted → broken: the run was cut short (SIGINT), a problem with the run, not the rollback;
//   as broken it still demands attention rather than hiding among skipped tests.
function testStatus(status: TestStatus): AllureStatus {
  switch (status) {
    case 'passed':
    case 'failed':
      return status;
    case 'error':
    case 'interrupted':
      return 'broken';
    case 'inconclusive':
      return 'skipped';
  }
}

function stepStatus(status: StepStatus): AllureStatus {
  switch (status) {
    case 'passed':
    case 'failed':
    case 'skipped':
      return status;
    case 'error':
    case 'interrupted':
      return 'broken';
  }
}

function checkStatus(status: CheckStatus): AllureStatus {
  switch (status) {
    case 'passed':
    case 'failed':
      return status;
    case 'error':
      return 'broken';
    case 'inconclusive':
    case 'waived':
      return 'skipped';
  }
}

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
