import type { CheckRecord, Journal, StepRecord, TestRecord } from '../journal/journal-types.ts';
import { escapeXmlText, xmlAttrs } from './xml-escape.ts';

/**
 * JUnit XML for CI dashboards, from the journal and nothing else: one <testsuite> per drill test,
 * one <testcase> per step (`<testId>.steps`) and per check (`<testId>.checks`). Follows the Ant
 * JUnit schema most CI servers read (Jenkins, GitLab, GitHub test reporters).
 */
export function renderJunit(journal: Journal): string {
  const suites = journal.tests.map((test) => renderSuite(journal, test));
  // A harness error (no Postgres, bad config) may leave no test at all; an empty report would
  // look green on a CI dashboard, so the error gets a suite of its own.
  if (journal.error) suites.push(renderRunError(journal, journal.error));
  const totals = suites.reduce(
    (sum, s) => ({ tests: sum.tests + s.counts.tests, failures: sum.failures + s.counts.failures, errors: sum.errors + s.counts.errors, skipped: sum.skipped + s.counts.skipped }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  const runMs = Date.parse(journal.finishedAt) - Date.parse(journal.startedAt);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${xmlAttrs({ name: `rollback drill ${journal.runId}`, ...totals, time: secs(runMs), timestamp: junitTimestamp(journal.startedAt) })}>`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

type Outcome = { kind: 'passed' } | { kind: 'failure' | 'error' | 'skipped'; message: string; body?: string };

interface Case {
  name: string;
  classname: string;
  timeMs: number;
  outcome: Outcome;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function renderSuite(journal: Journal, test: TestRecord): { counts: Counts; lines: string[] } {
  const cases = [...test.steps.map((s) => stepCase(test.id, s)), ...test.checks.map((c) => checkCase(test.id, c))];
  // A test can end non-passed with every step and check green (an exception in a finish hook, an
  // interrupted cleanup); its verdict must still show as red, not vanish into a passing suite.
  if (test.status !== 'passed' && cases.every((c) => c.outcome.kind === 'passed')) {
    cases.push({ name: 'verdict', classname: test.id, timeMs: 0, outcome: verdictOutcome(test) });
  }
  const counts = count(cases);
  const cleanupErrors = test.cleanup.filter((c) => c.status === 'error');
  const props: Record<string, string> = {
    'run.id': journal.runId,
    'run.status': journal.status,
    'test.title': test.title,
    'test.status': test.status,
    environment: journal.environment,
    target: journal.target,
    database: journal.database,
    ...(test.rollbackMs === undefined ? {} : { 'rollback.ms': String(test.rollbackMs) }),
    ...(test.evidence.length ? { evidence: test.evidence.join(', ') } : {}),
  };
  const lines = [
    `  <testsuite ${xmlAttrs({ name: test.id, ...counts, time: secs(test.durationMs), timestamp: junitTimestamp(test.startedAt) })}>`,
    '    <properties>',
    ...Object.entries(props).map(([name, value]) => `      <property ${xmlAttrs({ name, value })}/>`),
    '    </properties>',
    ...cases.flatMap(renderCase),
    ...(cleanupErrors.length
      ? [`    <system-err>${escapeXmlText(cleanupErrors.map((c) => `cleanup "${c.label}" failed after ${c.durationMs} ms: ${c.error ?? 'no message'}`).join('\n'))}</system-err>`]
      : []),
    '  </testsuite>',
  ];
  return { counts, lines };
}

function renderRunError(journal: Journal, error: string): { counts: Counts; lines: string[] } {
  const testCase: Case = { name: 'harness', classname: 'run', timeMs: 0, outcome: { kind: 'error', message: firstLine(error), body: error } };
  return {
    counts: count([testCase]),
    lines: [
      `  <testsuite ${xmlAttrs({ name: 'run', tests: 1, failures: 0, errors: 1, skipped: 0, time: secs(0), timestamp: junitTimestamp(journal.startedAt) })}>`,
      '    <properties>',
      `      <property ${xmlAttrs({ name: 'run.id', value: journal.runId })}/>`,
      `      <property ${xmlAttrs({ name: 'run.status', value: journal.status })}/>`,
      '    </properties>',
      ...renderCase(testCase),
      '  </testsuite>',
    ],
  };
}

function stepCase(testId: string, step: StepRecord): Case {
  const name = `${step.id}: ${step.title}`;
  const classname = `${testId}.steps`;
  const error = step.error ?? 'no error message recorded';
  switch (step.status) {
    case 'passed':
      return { name, classname, timeMs: step.durationMs, outcome: { kind: 'passed' } };
    case 'failed':
      return { name, classname, timeMs: step.durationMs, outcome: { kind: 'failure', message: firstLine(error), body: `${step.phase} step failed\n${error}` } };
    // An interrupted step is not a verdict on the rollback: the run was cut short (SIGINT).
    case 'error':
    case 'interrupted':
      return { name, classname, timeMs: step.durationMs, outcome: { kind: 'error', message: `${step.status}: ${firstLine(error)}`, body: error } };
    case 'skipped':
      return { name, classname, timeMs: 0, outcome: { kind: 'skipped', message: 'not run: an earlier step did not pass' } };
  }
}

function checkCase(testId: string, check: CheckRecord): Case {
  const name = `${check.id}: ${check.title}`;
  const classname = `${testId}.checks`;
  const comparison = `value ${show(check.value, check.unit)} vs threshold ${show(check.threshold, check.unit)}`;
  const detail = [comparison, check.message, check.evidence ? `evidence: ${check.evidence}` : undefined].filter(Boolean).join('\n');
  const message = check.message ? `${firstLine(check.message)} (${comparison})` : comparison;
  switch (check.status) {
    case 'passed':
      return { name, classname, timeMs: 0, outcome: { kind: 'passed' } };
    case 'failed':
      return { name, classname, timeMs: 0, outcome: { kind: 'failure', message, body: detail } };
    case 'error':
      return { name, classname, timeMs: 0, outcome: { kind: 'error', message, body: detail } };
    // Inconclusive: the measurement could not decide. JUnit has no such state; skipped is the one
    // that says "no verdict" without claiming the rollback is broken.
    case 'inconclusive':
      return { name, classname, timeMs: 0, outcome: { kind: 'skipped', message: `inconclusive: ${message}` } };
    // Waived: the environment cannot prove it and says why; never a failure, never silently passed.
    case 'waived':
      return { name, classname, timeMs: 0, outcome: { kind: 'skipped', message: check.message ?? 'waived' } };
  }
}

function verdictOutcome(test: TestRecord): Outcome {
  const message = `test ${test.id} ended ${test.status}`;
  switch (test.status) {
    case 'failed':
      return { kind: 'failure', message };
    case 'inconclusive':
      return { kind: 'skipped', message };
    default:
      return { kind: 'error', message };
  }
}

function renderCase(c: Case): string[] {
  const open = `    <testcase ${xmlAttrs({ name: c.name, classname: c.classname, time: secs(c.timeMs) })}`;
  const { outcome } = c;
  if (outcome.kind === 'passed') return [`${open}/>`];
  const attrs = xmlAttrs({ message: outcome.message, type: outcome.kind === 'skipped' ? undefined : outcome.kind });
  const inner = outcome.body === undefined ? `<${outcome.kind} ${attrs}/>` : `<${outcome.kind} ${attrs}>${escapeXmlText(outcome.body)}</${outcome.kind}>`;
  return [`${open}>`, `      ${inner}`, '    </testcase>'];
}

function count(cases: Case[]): Counts {
  const of = (kind: Outcome['kind']) => cases.filter((c) => c.outcome.kind === kind).length;
  return { tests: cases.length, failures: of('failure'), errors: of('error'), skipped: of('skipped') };
}

function show(value: CheckRecord['value'], unit?: string): string {
  if (value === null) return 'none';
  return unit ? `${String(value)} ${unit}` : String(value);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function secs(ms: number): string {
  return Number.isFinite(ms) ? (Math.max(0, ms) / 1000).toFixed(3) : '0.000';
}

/** The Ant schema's timestamp has no zone and no fraction; the journal's times are UTC. */
function junitTimestamp(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 19);
}
