import type { Journal, TestRecord } from '../../journal/journal-types.ts';
import { currentSignatures, signOffRoles } from '../../signoff/signature.ts';
import { formatMs, seconds } from '../../util/format.ts';
import { html, type SafeHtml } from './html.ts';
import type { ReportContext } from './report-context.ts';
import { statusBadge, verdictMeaning } from './status.ts';
import { rollbackBudgetMs } from './waterfall-geometry.ts';

/** The top of the page: what a manager reads first — the verdict, one row per test, and what is still open. */
export function verdictSection(journal: Journal, context: ReportContext): SafeHtml {
  const passed = journal.tests.filter((t) => t.status === 'passed').length;
  const signed = Object.keys(currentSignatures(context.signatures)).length;
  const regressions = context.trend?.tests.filter((t) => t.regression) ?? [];
  const runMs = Date.parse(journal.finishedAt) - Date.parse(journal.startedAt);
  return html`<header>
  <h1>Rollback drill ${journal.runId}</h1>
  <div class="verdict status-${journal.status}" id="verdict" data-status="${journal.status}">
    <div class="word">${journal.status.toUpperCase()}</div>
    <p class="meaning">${verdictMeaning[journal.status]}</p>
  </div>
  <p id="summary">${passed} of ${journal.tests.length} tests passed · ${windowSummary(journal.tests)} · sign-off: ${signed} of ${signOffRoles.length} signed</p>
  ${journal.error ? html`<p class="flag" id="harness-error">Harness error: ${journal.error}</p>` : ''}
  ${(journal.warnings ?? []).map((w) => html`<p class="note run-warning">Warning: ${w}</p>`)}
  ${regressions.map(
    (t) =>
      html`<p class="flag" data-regression="${t.id}">Regression: ${t.id} rolled back in ${formatMs(t.current ?? 0)}, ${percent((t.change ?? 1) - 1)} slower than the median of its last ${t.baselineRuns} runs (${formatMs(t.median ?? 0)}; flagged above ×${context.trend?.ratio ?? ''}).</p>`,
  )}
  <dl class="facts">
    <dt>Environment</dt><dd>${journal.environment}</dd>
    <dt>Target</dt><dd>${journal.target}${journal.targetDescription ? ` — ${journal.targetDescription}` : ''}${journal.targetNotice ? html`<br><span class="muted">${journal.targetNotice}</span>` : ''}</dd>
    <dt>Database</dt><dd>${journal.database}</dd>
    <dt>Run</dt><dd>${journal.startedAt} → ${journal.finishedAt} (${formatMs(runMs)})</dd>
  </dl>
  <table id="tests-summary">
    <thead><tr><th>test</th><th>verdict</th><th class="num">rollback window</th><th class="num">budget</th><th class="num">checks passed</th><th class="num">whole test</th></tr></thead>
    <tbody>${journal.tests.map(testRow)}</tbody>
  </table>
  ${journal.tests.length === 0 ? html`<p class="note">No test ran.</p>` : ''}
</header>`;
}

function testRow(test: TestRecord): SafeHtml {
  const passed = test.checks.filter((c) => c.status === 'passed').length;
  return html`<tr class="test-row" data-test-id="${test.id}">
  <td>${test.title} <code>${test.id}</code></td>
  <td>${statusBadge(test.status)}</td>
  <td class="num">${test.rollbackMs === undefined ? 'not measured' : formatMs(test.rollbackMs)}</td>
  <td class="num">${test.steps.some((s) => s.phase === 'rollback') ? `${seconds(rollbackBudgetMs(test))} s` : '—'}</td>
  <td class="num">${passed} / ${test.checks.length}</td>
  <td class="num">${formatMs(test.durationMs)}</td>
</tr>`;
}

function windowSummary(tests: TestRecord[]): string {
  const windows = tests.map((t) => t.rollbackMs).filter((ms): ms is number => ms !== undefined);
  if (windows.length === 0) return 'no rollback window measured';
  const budgets = [...new Set(tests.filter((t) => t.rollbackMs !== undefined).map(rollbackBudgetMs))].map((b) => `${seconds(b)} s`).join(' / ');
  const min = Math.min(...windows);
  const max = Math.max(...windows);
  const range = min === max ? formatMs(min) : `${formatMs(min)} – ${formatMs(max)}`;
  return `rollback ${range} of a ${budgets} budget`;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(0)}%`;
}
