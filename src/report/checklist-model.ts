import type { CheckRecord, Journal, TestRecord } from '../journal/journal-types.ts';
import { formatMs, seconds } from '../util/format.ts';

/**
 * The runbook's Testing Checklist as data, filled from the journal and nothing else, so that
 * checklist.md and report.html say the same words. An item is answered only from a measurement;
 * a test this run did not include says so; items only a person can judge stay open for the
 * signers and are marked as such.
 */
export interface ChecklistEntry {
  /** Ticked or not; undefined for a line with no box (a note under an item). */
  done?: boolean;
  text: string;
  /** Why an item is open although nothing failed: not run, or not for a machine to judge. */
  remark?: string;
  children?: ChecklistEntry[];
}

export const notRunRemark = 'not run in this drill';
export const forSignersRemark = 'for the signers: a machine cannot judge this';

/** The seed's Testing Checklist, in its order and its own words. */
export function testingChecklist(journal: Journal): ChecklistEntry[] {
  return [
    dryRun(find(journal, 'dry-run')),
    dataValidation(find(journal, 'data-validation')),
    rollbackTime(find(journal, 'rollback-time')),
    rollForward(find(journal, 'roll-forward')),
    forSigners('Contact tree verified', ['All contacts reachable: YES / NO', 'Contact information current: YES / NO']),
    forSigners('Documentation reviewed', ['All procedures clear: YES / NO', 'Team trained on procedures: YES / NO', 'Runbooks updated: YES / NO']),
  ];
}

/** Every non-passed step and check, SIGKILL escalations, failed cleanups and warnings — or `none`. */
export function issues(test: TestRecord): string {
  const found = [
    ...test.steps.filter((s) => s.status !== 'passed' && s.status !== 'skipped').map((s) => `step ${s.id} ${s.status}: ${firstLine(s.error)}`),
    ...test.checks.filter((c) => c.status !== 'passed').map((c) => `check ${c.id} ${c.status}${c.message ? `: ${firstLine(c.message)}` : ''}`),
    ...test.steps.filter((s) => s.output?.['escalatedToKill'] === true).map((s) => `${s.id}: grace period ran out, had to kill`),
    ...test.cleanup.filter((c) => c.status === 'error').map((c) => `cleanup "${c.label}" failed: ${firstLine(c.error)}`),
    ...(test.warnings ?? []).map((w) => `warning: ${firstLine(w)}`),
  ];
  return found.length === 0 ? 'none' : found.join('; ');
}

export function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}

/** passed → true, failed → false, not measured (absent, inconclusive, error) → undefined. */
export function checkPassed(test: TestRecord, id: string): boolean | undefined {
  const check: CheckRecord | undefined = test.checks.find((c) => c.id === id);
  if (!check || check.status === 'inconclusive' || check.status === 'error') return undefined;
  return check.status === 'passed';
}

function find(journal: Journal, id: string): TestRecord | undefined {
  return journal.tests.find((t) => t.id === id);
}

const yesNo = (value: boolean | undefined) => (value === undefined ? 'NOT MEASURED' : value ? 'YES' : 'NO');
const notRun = (text: string): ChecklistEntry => ({ done: false, text, remark: notRunRemark });
const issuesEntry = (test: TestRecord): ChecklistEntry => ({ done: true, text: `Issues: ${issues(test)}` });

function forSigners(text: string, questions: string[]): ChecklistEntry {
  return { done: false, text, remark: forSignersRemark, children: questions.map((q) => ({ done: false, text: q })) };
}

function dryRun(test: TestRecord | undefined): ChecklistEntry {
  const title = 'Dry-run rollback completed in staging';
  if (!test) return notRun(title);
  return {
    done: test.status === 'passed',
    text: title,
    children: [
      { done: test.rollbackMs !== undefined, text: `Time: ${test.rollbackMs === undefined ? 'NOT MEASURED' : seconds(test.rollbackMs)} seconds` },
      { done: test.status === 'passed', text: `V1 fully operational: ${yesNo(checkPassed(test, 'v1-operational'))}` },
      issuesEntry(test),
      ...simulatedFailure(test),
    ],
  };
}

function simulatedFailure(test: TestRecord): ChecklistEntry[] {
  const observed = test.steps.find((s) => s.id === 'observe-failure');
  const how = (observed?.output?.['observed'] as { how?: string } | undefined)?.how;
  if (!observed || !how) return [];
  // Since the drill evaluates the decision criteria, detection is timed from the fault's injection.
  const from = observed.output?.['timeToDetectMs'] === undefined ? 'the faulty run was triggered' : 'the fault was injected';
  return [{ text: `Simulated failure: ${how}, detected ${formatMs(Number(observed.output?.['detectedAfterMs']))} after ${from}` }];
}

function dataValidation(test: TestRecord | undefined): ChecklistEntry {
  const title = 'Data validation tests passed';
  if (!test) return notRun(title);
  return {
    done: test.status === 'passed',
    text: title,
    children: [
      { done: checkPassed(test, 'zero-data-loss') === true, text: `No data loss: ${yesNo(checkPassed(test, 'zero-data-loss'))}` },
      { done: checkPassed(test, 'kpi-variance') === true, text: `Output variance < 1%: ${yesNo(checkPassed(test, 'kpi-variance'))}` },
      issuesEntry(test),
    ],
  };
}

function rollbackTime(test: TestRecord | undefined): ChecklistEntry {
  const title = 'Rollback time measured';
  if (!test) return notRun(title);
  const within = checkPassed(test, 'rollback-within-budget');
  const budget = test.checks.find((c) => c.id === 'rollback-within-budget')?.threshold;
  const target = budget === 300_000 ? '5-minute target' : `${typeof budget === 'number' ? seconds(budget) : '?'} s target`;
  return {
    done: test.rollbackMs !== undefined,
    text: title,
    children: [
      { done: test.rollbackMs !== undefined, text: `Actual time: ${test.rollbackMs === undefined ? 'NOT MEASURED (the rollback did not complete)' : seconds(test.rollbackMs)} seconds` },
      { done: within === true, text: `Within ${target}: ${yesNo(within)}` },
      issuesEntry(test),
    ],
  };
}

function rollForward(test: TestRecord | undefined): ChecklistEntry {
  const title = 'Rollback-forward recovery tested';
  if (!test) return notRun(title);
  return {
    done: test.status === 'passed',
    text: title,
    children: [
      { done: checkPassed(test, 'v2-redeployed') === true, text: `V2 re-deployment successful: ${yesNo(checkPassed(test, 'v2-redeployed'))}` },
      { done: checkPassed(test, 'consistent-outputs') === true, text: `Consistent outputs: ${yesNo(checkPassed(test, 'consistent-outputs'))}` },
      issuesEntry(test),
    ],
  };
}
