import type { CheckRecord, Journal, TestRecord } from '../drill/journal-types.ts';
import { formatMs, seconds } from '../util/format.ts';

/**
 * The runbook's Testing Checklist, filled from the journal and nothing else. An item is
 * answered only from a measurement; a test this run did not include says so; items only a
 * person can judge stay open for the signers and are marked as such.
 */
export function renderChecklist(journal: Journal): string {
  const lines = [
    `# Testing Checklist — rollback drill ${journal.runId}`,
    '',
    `- Verdict: **${journal.status.toUpperCase()}**`,
    `- Environment: ${journal.environment} · Target: ${journal.target} · Database: ${journal.database}`,
    `- Run: ${journal.startedAt} → ${journal.finishedAt} · filled from \`journal.json\``,
    ...(journal.error ? [`- Harness error: ${journal.error}`] : []),
    '',
    '## Testing Checklist',
    '',
    ...dryRun(find(journal, 'dry-run')),
    '',
    ...dataValidation(find(journal, 'data-validation')),
    '',
    ...rollbackTime(find(journal, 'rollback-time')),
    '',
    ...rollForward(find(journal, 'roll-forward')),
    '',
    '- [ ] Contact tree verified — _for the signers: a machine cannot judge this_',
    '  - [ ] All contacts reachable: YES / NO',
    '  - [ ] Contact information current: YES / NO',
    '',
    '- [ ] Documentation reviewed — _for the signers: a machine cannot judge this_',
    '  - [ ] All procedures clear: YES / NO',
    '  - [ ] Team trained on procedures: YES / NO',
    '  - [ ] Runbooks updated: YES / NO',
    '',
    '## Sign-Off',
    '',
    '**Engineering**: _________________________ Date: _________',
    '',
    '**Operations**: _________________________ Date: _________',
    '',
    '**Management**: _________________________ Date: _________',
    '',
    ...journal.tests.flatMap(details),
  ];
  return lines.join('\n') + '\n';
}

function find(journal: Journal, id: string): TestRecord | undefined {
  return journal.tests.find((t) => t.id === id);
}

const box = (done: boolean) => (done ? '[x]' : '[ ]');
const yesNo = (value: boolean | undefined) => (value === undefined ? 'NOT MEASURED' : value ? 'YES' : 'NO');
const notRun = (title: string) => [`- [ ] ${title} — _not run in this drill_`];

function checkPassed(test: TestRecord, id: string): boolean | undefined {
  const check: CheckRecord | undefined = test.checks.find((c) => c.id === id);
  if (!check || check.status === 'inconclusive' || check.status === 'error') return undefined;
  return check.status === 'passed';
}

function issues(test: TestRecord): string {
  const found = [
    ...test.steps.filter((s) => s.status !== 'passed' && s.status !== 'skipped').map((s) => `step ${s.id} ${s.status}: ${firstLine(s.error)}`),
    ...test.checks.filter((c) => c.status !== 'passed').map((c) => `check ${c.id} ${c.status}${c.message ? `: ${firstLine(c.message)}` : ''}`),
    ...test.steps.filter((s) => s.output?.['escalatedToKill'] === true).map((s) => `${s.id}: grace period ran out, had to kill`),
    ...test.cleanup.filter((c) => c.status === 'error').map((c) => `cleanup "${c.label}" failed: ${firstLine(c.error)}`),
    ...(test.warnings ?? []).map((w) => `warning: ${firstLine(w)}`),
  ];
  return found.length === 0 ? 'none' : found.join('; ');
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}

function dryRun(test: TestRecord | undefined): string[] {
  if (!test) return notRun('Dry-run rollback completed in staging');
  return [
    `- ${box(test.status === 'passed')} Dry-run rollback completed in staging`,
    `  - ${box(test.rollbackMs !== undefined)} Time: ${test.rollbackMs === undefined ? 'NOT MEASURED' : seconds(test.rollbackMs)} seconds`,
    `  - ${box(test.status === 'passed')} V1 fully operational: ${yesNo(checkPassed(test, 'v1-operational'))}`,
    `  - [x] Issues: ${issues(test)}`,
    ...simulatedFailure(test),
  ];
}

function simulatedFailure(test: TestRecord): string[] {
  const observed = test.steps.find((s) => s.id === 'observe-failure');
  const how = (observed?.output?.['observed'] as { how?: string } | undefined)?.how;
  if (!observed || !how) return [];
  return [`  - Simulated failure: ${how}, detected ${formatMs(Number(observed.output?.['detectedAfterMs']))} after the faulty run was triggered`];
}

function dataValidation(test: TestRecord | undefined): string[] {
  if (!test) return notRun('Data validation tests passed');
  return [
    `- ${box(test.status === 'passed')} Data validation tests passed`,
    `  - ${box(checkPassed(test, 'zero-data-loss') === true)} No data loss: ${yesNo(checkPassed(test, 'zero-data-loss'))}`,
    `  - ${box(checkPassed(test, 'kpi-variance') === true)} Output variance < 1%: ${yesNo(checkPassed(test, 'kpi-variance'))}`,
    `  - [x] Issues: ${issues(test)}`,
  ];
}

function rollbackTime(test: TestRecord | undefined): string[] {
  if (!test) return notRun('Rollback time measured');
  const within = checkPassed(test, 'rollback-within-budget');
  const budget = test.checks.find((c) => c.id === 'rollback-within-budget')?.threshold;
  const target = budget === 300_000 ? '5-minute target' : `${typeof budget === 'number' ? seconds(budget) : '?'} s target`;
  return [
    `- ${box(test.rollbackMs !== undefined)} Rollback time measured`,
    `  - ${box(test.rollbackMs !== undefined)} Actual time: ${test.rollbackMs === undefined ? 'NOT MEASURED (the rollback did not complete)' : seconds(test.rollbackMs)} seconds`,
    `  - ${box(within === true)} Within ${target}: ${yesNo(within)}`,
    `  - [x] Issues: ${issues(test)}`,
  ];
}

function rollForward(test: TestRecord | undefined): string[] {
  if (!test) return notRun('Rollback-forward recovery tested');
  return [
    `- ${box(test.status === 'passed')} Rollback-forward recovery tested`,
    `  - ${box(checkPassed(test, 'v2-redeployed') === true)} V2 re-deployment successful: ${yesNo(checkPassed(test, 'v2-redeployed'))}`,
    `  - ${box(checkPassed(test, 'consistent-outputs') === true)} Consistent outputs: ${yesNo(checkPassed(test, 'consistent-outputs'))}`,
    `  - [x] Issues: ${issues(test)}`,
  ];
}

function details(test: TestRecord): string[] {
  return [
    '',
    `## ${test.title} (${test.id}) — ${test.status.toUpperCase()} in ${formatMs(test.durationMs)}`,
    '',
    '| step | phase | status | time |',
    '| --- | --- | --- | ---: |',
    ...test.steps.map((s) => `| ${s.title} (\`${s.id}\`) | ${s.phase} | ${s.status} | ${s.status === 'skipped' ? '—' : formatMs(s.durationMs)} |`),
    ...(test.preRollbackMs === undefined ? [] : [`| **Pre-rollback checklist** | | | **${formatMs(test.preRollbackMs)}** |`]),
    ...(test.rollbackMs === undefined ? [] : [`| **Rollback window** (stop V2 → V1 validated) | | | **${formatMs(test.rollbackMs)}** |`]),
    '',
    '| check | status | value | threshold |',
    '| --- | --- | ---: | ---: |',
    ...test.checks.map((c) => `| ${c.title}${c.message && c.status !== 'passed' ? ` — ${firstLine(c.message)}` : ''} | ${c.status} | ${fmt(c.value, c.unit)} | ${fmt(c.threshold, c.unit)} |`),
    ...(test.notifications?.length
      ? ['', `Notifications: ${test.notifications.map((n) => `${n.event} → ${n.webhook} ${n.ok ? 'delivered' : `FAILED (${n.error ?? n.status})`}`).join('; ')}`]
      : []),
    ...(test.evidence.length ? ['', `Evidence: ${test.evidence.map((e) => `\`${e}\``).join(', ')}`] : []),
  ];
}

function fmt(value: CheckRecord['value'], unit?: string): string {
  if (value === null) return '—';
  if (typeof value === 'number' && unit === 'ms') return formatMs(value);
  return `${String(value)}${unit && unit !== 'ms' ? ` ${unit}` : ''}`;
}
