import type { CheckRecord, Journal, TestRecord } from '../../journal/journal-types.ts';
import { formatMs, formatValue } from '../../util/format.ts';
import { issues } from '../../journal/checklist.ts';
import { html, type SafeHtml } from './html.ts';
import { statusBadge } from './status.ts';

/** Per test: every check with its value, threshold and verdict, then the issues the checklist lists. */
export function checksSection(journal: Journal): SafeHtml {
  return html`<section id="checks">
  <h2>Checks per test</h2>
  ${journal.tests.length === 0 ? html`<p class="note">No test ran${journal.error ? `: ${journal.error}` : ''}.</p>` : journal.tests.map(testChecks)}
</section>`;
}

function testChecks(test: TestRecord): SafeHtml {
  return html`<div class="test-checks" data-test-id="${test.id}">
  <h3>${test.title} <code>${test.id}</code> ${statusBadge(test.status)}</h3>
  <p class="muted">whole test ${formatMs(test.durationMs)}${test.preRollbackMs === undefined ? '' : ` · pre-rollback ${formatMs(test.preRollbackMs)}`}${
    test.rollbackMs === undefined ? ' · rollback window not measured' : ` · rollback window ${formatMs(test.rollbackMs)}`
  }</p>
  <table>
    <thead><tr><th>check</th><th class="num">value</th><th class="num">threshold</th><th>verdict</th></tr></thead>
    <tbody>${test.checks.map(checkRow)}</tbody>
  </table>
  ${test.checks.length === 0 ? html`<p class="note">No check was evaluated.</p>` : ''}
  <p><strong>Issues:</strong> ${issues(test)}</p>
  ${test.incident ? incident(test) : ''}
  ${test.steps.filter((s) => s.error).map((s) => html`<div class="step-error" data-step-id="${s.id}"><strong>Step ${s.title}</strong> <code>${s.id}</code> ${statusBadge(s.status)}<pre>${s.error}</pre></div>`)}
</div>`;
}

/** The runbook's "if the rollback itself fails" path, as the journal recorded it. */
function incident(test: TestRecord): SafeHtml {
  const i = test.incident!;
  return html`<div class="flag incident" data-test-id="${test.id}">
  <strong>Emergency path ran</strong> (the rollback itself failed: <code>${i.trigger.id}</code> — ${i.trigger.error}) — ${i.recovered ? 'recovered: every emergency step passed' : 'NOT recovered'}
  <table><tbody>${i.timeline.map((e) => html`<tr><td class="mono">${e.at}</td><td>${e.event}</td></tr>`)}</tbody></table>
</div>`;
}

function checkRow(check: CheckRecord): SafeHtml {
  return html`<tr class="check-row" data-check-id="${check.id}" data-status="${check.status}">
  <td>${check.title}<br><code class="muted">${check.id}</code>${check.message ? html`<br><span class="muted">${check.message}</span>` : ''}</td>
  <td class="num">${formatValue(check.value, check.unit)}</td>
  <td class="num">${formatValue(check.threshold, check.unit)}</td>
  <td>${statusBadge(check.status)}</td>
</tr>`;
}
