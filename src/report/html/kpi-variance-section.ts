import { formatValue } from '../../util/format.ts';
import type { CheckRecord, Journal, TestRecord } from '../../journal/journal-types.ts';
import { html, type SafeHtml } from './html.ts';
import { statusBadge } from './status.ts';

/** The KPI comparisons the four tests make (src/drills): variance checks and their "nothing missing" partners. */
const varianceChecks = ['kpi-variance', 'consistent-outputs'];
const completenessChecks = ['no-missing-data-points', 'no-duplicate-rows', 'metrics-restored'];

interface Row {
  test: TestRecord;
  check: CheckRecord;
}

/**
 * The worst KPI variances, largest first. The journal keeps one worst point per comparison (in the
 * check's message); the full per-point list is in the evidence file the check names.
 */
export function kpiVarianceSection(journal: Journal): SafeHtml {
  const rows = pick(journal, varianceChecks).sort((a, b) => numeric(b.check) - numeric(a.check));
  const completeness = pick(journal, completenessChecks);
  return html`<section id="kpi-variances">
  <h2>Worst KPI variances</h2>
  ${
    rows.length === 0
      ? html`<p class="note">No KPI comparison in this run (neither data-validation nor roll-forward ran, or no KPI source is configured).</p>`
      : html`<p class="muted">|candidate − reference| / |reference| per KPI × as-of date × segment (near zero, the absolute difference); how many points of each comparison are out of tolerance, with its worst point as the journal recorded it.</p>
  <table>
    <thead><tr><th>comparison</th><th class="num">out of tolerance</th><th class="num">allowed</th><th>verdict</th><th>worst point</th></tr></thead>
    <tbody>${rows.map(varianceRow)}</tbody>
  </table>`
  }
  ${
    completeness.length === 0
      ? ''
      : html`<table>
    <thead><tr><th>completeness</th><th class="num">points</th><th class="num">allowed</th><th>verdict</th><th>detail</th></tr></thead>
    <tbody>${completeness.map(({ test, check }) => html`<tr data-check-id="${check.id}" data-test-id="${test.id}"><td>${check.title} <code class="muted">${test.id}</code></td><td class="num">${formatValue(check.value, check.unit)}</td><td class="num">${formatValue(check.threshold, check.unit)}</td><td>${statusBadge(check.status)}</td><td>${check.message ?? ''}</td></tr>`)}</tbody>
  </table>`
  }
</section>`;
}

function varianceRow({ test, check }: Row): SafeHtml {
  const { compared, worst } = splitMessage(check.message);
  return html`<tr class="variance-row" data-check-id="${check.id}" data-test-id="${test.id}">
  <td>${check.title} <code class="muted">${test.id}</code>${compared ? html`<br><span class="muted">${compared}</span>` : ''}</td>
  <td class="num">${formatValue(check.value, check.unit)}</td>
  <td class="num">${formatValue(check.threshold, check.unit)}</td>
  <td>${statusBadge(check.status)}</td>
  <td>${worst ?? html`<span class="muted">not recorded</span>`}${check.evidence ? html`<br><span class="muted">all points: <code>${check.evidence}</code></span>` : ''}</td>
</tr>`;
}

/** "480 points compared; worst: par30 2025-06-30 retail: V1 … vs V2 … (0.12%)" → its two halves. */
export function splitMessage(message: string | undefined): { compared?: string; worst?: string } {
  if (!message) return {};
  const at = message.indexOf('; worst: ');
  if (at < 0) return { worst: message };
  return { compared: message.slice(0, at), worst: message.slice(at + '; worst: '.length) };
}

function pick(journal: Journal, ids: string[]): Row[] {
  return journal.tests.flatMap((test) => test.checks.filter((c) => ids.includes(c.id)).map((check) => ({ test, check })));
}

function numeric(check: CheckRecord): number {
  return typeof check.value === 'number' ? check.value : -Infinity;
}
