import type { Journal, TestRecord } from '../journal/journal-types.ts';
import { currentSignatures, roleLabels, signatureKind, signOffRoles, type Signature } from '../signoff/signature.ts';
import { formatMs, formatValue } from '../util/format.ts';
import { firstLine, testingChecklist, type ChecklistEntry } from '../journal/checklist.ts';

/**
 * checklist.md: the runbook's Testing Checklist filled from the journal (src/journal/checklist.ts),
 * its Sign-Off block with whoever has signed (`drill sign`), then each test's steps and checks.
 */
export function renderChecklist(journal: Journal, signatures: readonly Signature[] = []): string {
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
    ...testingChecklist(journal).flatMap((entry) => [...markdownEntry(entry), '']),
    '## Sign-Off',
    '',
    ...signOffLines(signatures).flatMap((line) => [line, '']),
    ...journal.tests.flatMap(details),
  ];
  return `${lines.join('\n')}\n`;
}

function markdownEntry(entry: ChecklistEntry, indent = ''): string[] {
  const box = entry.done === undefined ? '' : entry.done ? '[x] ' : '[ ] ';
  const remark = entry.remark ? ` — _${entry.remark}_` : '';
  return [`${indent}- ${box}${entry.text}${remark}`, ...(entry.children ?? []).flatMap((child) => markdownEntry(child, `${indent}  `))];
}

/** The seed's blanks until someone signs; then the name, the moment of signing and whether a key backs it. */
function signOffLines(signatures: readonly Signature[]): string[] {
  const current = currentSignatures(signatures);
  return signOffRoles.map((role) => {
    const signature = current[role];
    const who = signature ? `${oneLine(signature.name)} Date: ${signature.signedAt} — ${signatureKind(signature)}` : '_________________________ Date: _________';
    return `**${roleLabels[role]}**: ${who}`;
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
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
    ...incidentLines(test),
    '',
    '| check | status | value | threshold |',
    '| --- | --- | ---: | ---: |',
    ...test.checks.map(
      (c) =>
        `| ${c.title}${c.message && c.status !== 'passed' ? ` — ${firstLine(c.message)}` : ''} | ${c.status} | ${formatValue(c.value, c.unit)} | ${formatValue(c.threshold, c.unit)} |`,
    ),
    ...(test.notifications?.length
      ? ['', `Notifications: ${test.notifications.map((n) => `${n.event} → ${n.webhook} ${n.ok ? 'delivered' : `FAILED (${n.error ?? n.status})`}`).join('; ')}`]
      : []),
    ...(test.evidence.length ? ['', `Evidence: ${test.evidence.map((e) => `\`${e}\``).join(', ')}`] : []),
  ];
}

/** The runbook's "Rollback Rollback" as it happened: trigger, then each emergency step, with times. */
function incidentLines(test: TestRecord): string[] {
  const incident = test.incident;
  if (!incident) return [];
  return [
    '',
    `### Emergency rollback (Rollback Rollback) — ${incident.recovered ? 'database restored from the pre-rollback backup and verified; left read-only' : 'NOT recovered: see the failed step'}`,
    '',
    `Triggered by \`${incident.trigger.id}\`: ${firstLine(incident.trigger.error)}`,
    '',
    '| time (UTC) | event |',
    '| --- | --- |',
    ...incident.timeline.map((e) => `| ${e.at.slice(11, 23)} | ${e.event.replaceAll('|', '\\|')} |`),
  ];
}
