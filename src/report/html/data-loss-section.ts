import { formatValue } from '../../util/format.ts';
import type { CheckRecord, Journal, TestRecord } from '../../journal/journal-types.ts';
import { html, type SafeHtml } from './html.ts';
import { statusBadge } from './status.ts';

/** The data checks of src/checks and src/drills/dry-run.ts, in the order a reader asks about them. */
const dataChecks = ['zero-data-loss', 'records-accounted-once', 'cutover-gap-processed', 'metrics-restored', 'history-intact', 'backup-restores'];

/**
 * Record accounting before and after the rollback (step outputs of `record-system-state` and
 * `account-records`: counted in the database), then every data-integrity check with its verdict.
 */
export function dataLossSection(journal: Journal): SafeHtml {
  const tests = journal.tests.filter((t) => t.checks.some((c) => dataChecks.includes(c.id)));
  return html`<section id="data-loss">
  <h2>Data-loss reconciliation</h2>
  ${
    tests.length === 0
      ? html`<p class="note">No data-loss check in this run (record accounting is not configured, or only rollback-time ran).</p>`
      : html`<p class="muted">Every source record key must be processed or explicitly quarantined by V1 after the rollback; counted key by key in the database.</p>
  <table id="reconciliation">
    <thead><tr><th>test</th><th class="num">source keys<br>before</th><th class="num">unaccounted<br>before</th><th class="num">arrived during<br>the cutover</th><th class="num">source keys<br>after</th><th class="num">unaccounted<br>after</th><th>zero data loss</th></tr></thead>
    <tbody>${tests.map(reconciliationRow)}</tbody>
  </table>
  <table>
    <thead><tr><th>check</th><th class="num">value</th><th class="num">allowed</th><th>verdict</th></tr></thead>
    <tbody>${tests.flatMap((t) => dataChecks.flatMap((id) => t.checks.filter((c) => c.id === id)).map((c) => checkRow(t, c)))}</tbody>
  </table>`
  }
</section>`;
}

function reconciliationRow(test: TestRecord): SafeHtml {
  const before = output(test, 'record-system-state');
  const after = output(test, 'account-records');
  const arrived = before.sourceKeys !== undefined && after.sourceKeys !== undefined ? after.sourceKeys - before.sourceKeys : undefined;
  const check = test.checks.find((c) => c.id === 'zero-data-loss');
  return html`<tr data-test-id="${test.id}">
  <td><code>${test.id}</code></td>
  <td class="num">${count(before.sourceKeys)}</td>
  <td class="num">${count(before.missingKeys)}</td>
  <td class="num">${count(arrived)}</td>
  <td class="num">${count(after.sourceKeys)}</td>
  <td class="num">${count(after.missingKeys)}</td>
  <td>${statusBadge(check?.status)}</td>
</tr>`;
}

function checkRow(test: TestRecord, check: CheckRecord): SafeHtml {
  return html`<tr data-check-id="${check.id}" data-test-id="${test.id}">
  <td>${check.title} <code class="muted">${test.id}</code>${check.message ? html`<br><span class="muted">${check.message}</span>` : ''}</td>
  <td class="num">${formatValue(check.value, check.unit)}</td>
  <td class="num">${formatValue(check.threshold, check.unit)}</td>
  <td>${statusBadge(check.status)}</td>
</tr>`;
}

function output(test: TestRecord, stepId: string): { sourceKeys?: number; missingKeys?: number } {
  const out = test.steps.find((s) => s.id === stepId && s.status === 'passed')?.output;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const sourceKeys = num(out?.['sourceKeys']);
  const missingKeys = num(out?.['missingKeys']);
  return { ...(sourceKeys === undefined ? {} : { sourceKeys }), ...(missingKeys === undefined ? {} : { missingKeys }) };
}

function count(n: number | undefined): string {
  return n === undefined ? 'not recorded' : n.toLocaleString('en-US');
}
