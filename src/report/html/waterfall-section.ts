import type { Journal } from '../../journal/journal-types.ts';
import { formatMs, seconds } from '../../util/format.ts';
import { html, type SafeHtml } from './html.ts';
import { waterfallGeometry, type WaterfallBar, type WaterfallGeometry } from './waterfall-geometry.ts';

const labelWidth = 250;
const plotWidth = 300;
const gap = 24;
const zoomLeft = labelWidth + plotWidth + gap;
const valueLeft = zoomLeft + plotWidth + 10;
const width = valueLeft + 110;
const rowHeight = 22;
const top = 52;

/** One inline SVG per test that rolled back: its rollback steps against the budget, each a <rect>. */
export function waterfallSection(journal: Journal): SafeHtml {
  const charts = journal.tests.map((t) => waterfallGeometry(t, { plotWidth, minWidth: 2 })).filter((g): g is WaterfallGeometry => g !== undefined);
  return html`<section id="waterfall">
  <h2>Rollback steps against the budget</h2>
  <p class="muted">From “stop V2” issued to V1 healthy and its first KPI run validated. Left: each step to scale against the budget (dashed red line). Right: the same steps zoomed to the rollback window, to show where the time went.</p>
  ${charts.length === 0 ? html`<p class="note">No test of this run reached the rollback phase.</p>` : charts.map(chart)}
</section>`;
}

function chart(g: WaterfallGeometry): SafeHtml {
  const height = top + g.bars.length * rowHeight + 22;
  const windowMs = g.rollbackMs ?? g.spanMs;
  const windowWidth = Math.max(2, Math.min(plotWidth, round((windowMs / g.scaleMs) * plotWidth)));
  const caption = `${g.testId}: rollback ${g.rollbackMs === undefined ? 'did not complete' : formatMs(g.rollbackMs)} of a ${seconds(g.budgetMs)} s budget`;
  const axisY = height - 18;
  return html`<h3>${g.testId} — ${g.rollbackMs === undefined ? 'the rollback did not complete' : `${formatMs(g.rollbackMs)}, ${share(g.rollbackMs, g.budgetMs)} of the ${seconds(g.budgetMs)} s budget`}</h3>
<svg class="waterfall" data-test-id="${g.testId}" data-budget-ms="${g.budgetMs}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${caption}" xmlns="http://www.w3.org/2000/svg">
  <title>${caption}</title>
  <text x="${labelWidth}" y="12" class="muted">against the ${seconds(g.budgetMs)} s budget</text>
  <text x="${zoomLeft}" y="12" class="muted">zoomed to the window (${formatMs(g.zoomScaleMs)})</text>
  <text x="0" y="34" font-weight="600">whole window</text>
  <rect class="budget-track" x="${labelWidth}" y="22" width="${plotWidth}" height="16"/>
  <rect class="window-bar" x="${labelWidth}" y="22" width="${windowWidth}" height="16"><title>${formatMs(windowMs)}</title></rect>
  <rect class="window-bar" x="${zoomLeft}" y="22" width="${round((windowMs / g.zoomScaleMs) * plotWidth)}" height="16"/>
  <text x="${valueLeft}" y="34" font-weight="600">${formatMs(windowMs)}</text>
  ${g.bars.map((bar, i) => row(bar, i, windowMs))}
  <line class="budget-line" x1="${labelWidth + g.budgetX}" x2="${labelWidth + g.budgetX}" y1="18" y2="${axisY}"><title>budget ${formatMs(g.budgetMs)}</title></line>
  <line class="axis" x1="${labelWidth}" x2="${labelWidth + plotWidth}" y1="${axisY}" y2="${axisY}"/>
  <line class="axis" x1="${zoomLeft}" x2="${zoomLeft + plotWidth}" y1="${axisY}" y2="${axisY}"/>
  ${axis(labelWidth, g.scaleMs, axisY)}
  ${axis(zoomLeft, g.zoomScaleMs, axisY)}
</svg>`;
}

function row(bar: WaterfallBar, index: number, windowMs: number): SafeHtml {
  const y = top + index * rowHeight;
  const label = bar.title.length > 40 ? `${bar.title.slice(0, 39)}…` : bar.title;
  const time = bar.status === 'skipped' ? 'skipped' : `${formatMs(bar.durationMs)} · ${share(bar.durationMs, windowMs)}`;
  const tip = `${bar.stepId}: ${bar.status}, ${formatMs(bar.durationMs)} from +${formatMs(bar.startMs)}`;
  return html`<g class="step-row" data-step-id="${bar.stepId}">
    <text x="0" y="${y + 14}">${label}<title>${bar.title} (${bar.stepId})</title></text>
    <rect class="step-bar status-${bar.status}" id="bar-${bar.stepId}-${index}" data-step-id="${bar.stepId}" data-status="${bar.status}" data-start-ms="${bar.startMs}" data-duration-ms="${bar.durationMs}" x="${labelWidth + bar.x}" y="${y + 3}" width="${bar.width}" height="${rowHeight - 8}"><title>${tip}</title></rect>
    ${bar.stepBudgetX === undefined ? '' : html`<line class="step-budget" x1="${labelWidth + bar.stepBudgetX}" x2="${labelWidth + bar.stepBudgetX}" y1="${y + 1}" y2="${y + rowHeight - 3}"><title>step budget ${formatMs(bar.stepBudgetMs ?? 0)}</title></line>`}
    <rect class="zoom-bar status-${bar.status}" data-step-id="${bar.stepId}" x="${zoomLeft + bar.zoomX}" y="${y + 3}" width="${bar.zoomWidth}" height="${rowHeight - 8}"><title>${tip}</title></rect>
    <text x="${valueLeft}" y="${y + 14}">${time}</text>
  </g>`;
}

function axis(left: number, scaleMs: number, y: number): SafeHtml[] {
  return [0, 0.5, 1].map(
    (f) =>
      html`<text x="${left + round(f * plotWidth)}" y="${y + 14}" text-anchor="${f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}" class="muted">${axisLabel(f * scaleMs)}</text>`,
  );
}

function share(part: number, whole: number): string {
  if (whole <= 0) return '—';
  const pct = (part / whole) * 100;
  return `${pct < 1 && pct > 0 ? pct.toFixed(1) : Math.round(pct)}%`;
}

function axisLabel(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
