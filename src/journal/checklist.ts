import type { ChecklistEntry, CheckRecord, Journal, TestRecord } from './journal-types.ts';
import { formatMs, seconds } from '../util/format.ts';

/**
 * The runbook's Testing Checklist, section by section, filled from the journal and nothing else, so
 * that checklist.md and report.html say the same words. An item is answered only from a measurement; a
 * drill this run did not include says so; items only a person can judge stay open for the signers and
 * are marked as such. The built-in drills' sections are here; a user's drill brings its own, or gets
 * the generic one.
 */
export type { ChecklistEntry } from './journal-types.ts';

export const notRunRemark = 'not run in this drill';
export const forSignersRemark = 'for the signers: a machine cannot judge this';

/** The items no machine can judge, after the drills' sections: the seed's own words. */
export const signersItems: ChecklistEntry[] = [
  forSigners('Contact tree verified', ['All contacts reachable: YES / NO', 'Contact information current: YES / NO']),
  forSigners('Documentation reviewed', ['All procedures clear: YES / NO', 'Team trained on procedures: YES / NO', 'Runbooks updated: YES / NO']),
];

/**
 * The Testing Checklist of a run: the one its journal carries, or, for a journal written before drills
 * filled their own sections, the four built-in sections computed from its records.
 */
export function testingChecklist(journal: Journal): ChecklistEntry[] {
  if (journal.checklist) return journal.checklist;
  return [
    dryRunSection(find(journal, 'dry-run')),
    dataValidationSection(find(journal, 'data-validation')),
    rollbackTimeSection(find(journal, 'rollback-time')),
    rollForwardSection(find(journal, 'roll-forward')),
    ...signersItems,
  ];
}

/** A drill without a section of its own: completed or not, each check as YES / NO, its issues. */
export function genericSection(title: string, test: TestRecord | undefined): ChecklistEntry {
  if (!test) return notRun(title);
  return {
    done: test.status === 'passed',
    text: `${title} completed`,
    children: [...test.checks.map((c) => ({ done: c.status === 'passed', text: `${c.title}: ${answer(test, c.id)}` })), issuesEntry(test)],
  };
}

/** Every non-passed step and check, SIGKILL escalations, failed cleanups and warnings — or `none`. */
export function issues(test: TestRecord): string {
  const found = [
    ...test.steps.filter((s) => s.status !== 'passed' && s.status !== 'skipped').map((s) => `step ${s.id} ${s.status}: ${firstLine(s.error)}`),
    ...test.checks.filter((c) => c.status !== 'passed').map((c) => `check ${c.id} ${c.status}${c.message ? `: ${short(firstLine(c.message))}` : ''}`),
    ...test.steps.filter((s) => s.output?.['escalatedToKill'] === true).map((s) => `${s.id}: grace period ran out, had to kill`),
    ...test.cleanup.filter((c) => c.status === 'error').map((c) => `cleanup "${c.label}" failed: ${firstLine(c.error)}`),
    ...(test.warnings ?? []).map((w) => `warning: ${firstLine(w)}`),
  ];
  return found.length === 0 ? 'none' : found.join('; ');
}

export function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}

// An Issues line is read by a person: one item never runs to thousands of characters (the evidence has it all).
function short(text: string): string {
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

/** passed → true, failed → false, not measured (absent, inconclusive, error) or waived → undefined. */
export function checkPassed(test: TestRecord, id: string): boolean | undefined {
  const check: CheckRecord | undefined = test.checks.find((c) => c.id === id);
  if (!check || check.status === 'inconclusive' || check.status === 'error' || check.status === 'waived') return undefined;
  return check.status === 'passed';
}

/** A checklist answer: YES, NO, NOT MEASURED, or WAIVED with the environment's reason. */
export function answer(test: TestRecord, ...ids: string[]): string {
  const checks = ids.map((id) => test.checks.find((c) => c.id === id));
  const waived = checks.filter((c) => c?.status === 'waived');
  if (waived.length === ids.length) return `WAIVED: ${waived.map((c) => c!.message?.replace(/^waived: /, '') ?? '').join('; ')}`;
  const results = ids.map((id) => checkPassed(test, id)).filter((_, i) => checks[i]?.status !== 'waived');
  if (results.some((r) => r === false)) return 'NO';
  if (results.some((r) => r === undefined)) return 'NOT MEASURED';
  return 'YES';
}

/** Ticked only when every one of the checks passed (waived ones aside). */
export function allPassed(test: TestRecord, ...ids: string[]): boolean {
  return answer(test, ...ids) === 'YES';
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

export function dryRunSection(test: TestRecord | undefined): ChecklistEntry {
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

export function dataValidationSection(test: TestRecord | undefined): ChecklistEntry {
  const title = 'Data validation tests passed';
  if (!test) return notRun(title);
  return {
    done: test.status === 'passed',
    text: title,
    children: [
      { done: allPassed(test, ...dataLossIds(test)), text: `No data loss: ${answer(test, ...dataLossIds(test))}` },
      { done: allPassed(test, 'kpi-variance'), text: `Output variance < 1%: ${answer(test, 'kpi-variance')}` },
      issuesEntry(test),
    ],
  };
}

export function rollbackTimeSection(test: TestRecord | undefined): ChecklistEntry {
  const title = 'Rollback time measured';
  if (!test) return notRun(title);
  const within = checkPassed(test, 'rollback-within-budget');
  const budget = test.checks.find((c) => c.id === 'rollback-within-budget')?.threshold;
  const target = budget === 300_000 ? '5-minute target' : `${typeof budget === 'number' ? seconds(budget) : '?'} s target`;
  return {
    done: test.rollbackMs !== undefined,
    text: title,
    children: [
      {
        done: test.rollbackMs !== undefined,
        text: `Actual time: ${test.rollbackMs === undefined ? 'NOT MEASURED (the rollback did not complete)' : seconds(test.rollbackMs)} seconds`,
      },
      { done: within === true, text: `Within ${target}: ${yesNo(within)}` },
      issuesEntry(test),
    ],
  };
}

export function rollForwardSection(test: TestRecord | undefined): ChecklistEntry {
  const title = 'Rollback-forward recovery tested';
  if (!test) return notRun(title);
  return {
    done: test.status === 'passed',
    text: title,
    children: [
      { done: checkPassed(test, 'v2-redeployed') === true, text: `V2 re-deployment successful: ${yesNo(checkPassed(test, 'v2-redeployed'))}` },
      { done: allPassed(test, 'consistent-outputs'), text: `Consistent outputs: ${answer(test, 'consistent-outputs')}` },
      issuesEntry(test),
    ],
  };
}

/** "No data loss" is YES only when each point it was measured at passed: V2 before the rollback, every key after it, V1 vs V2. */
function dataLossIds(test: TestRecord): string[] {
  return ['v2-no-data-loss', 'zero-data-loss', 'same-records-v1-v2'].filter((id) => test.checks.some((c) => c.id === id));
}
