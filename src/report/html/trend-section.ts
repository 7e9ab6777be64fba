import type { TestTrend, Trend } from '../../history/trend.ts';
import { formatMs } from '../../util/format.ts';
import { html, type SafeHtml } from './html.ts';
import type { ReportContext } from './report-context.ts';

const sparkWidth = 260;
const sparkHeight = 36;

/** Rollback durations and verdicts of the last runs of this environment and target, from history.jsonl. */
export function trendSection(context: ReportContext): SafeHtml {
  const trend = context.trend;
  const skipped = context.historySkipped?.length ? html`<p class="note">history.jsonl lines ${context.historySkipped.join(', ')} could not be read and were left out.</p>` : '';
  if (!trend) {
    return html`<section id="trend"><h2>Trend over the last runs</h2><p class="note">Not available: no history.jsonl was found next to this run folder.</p>${skipped}</section>`;
  }
  return html`<section id="trend">
  <h2>Trend over the last runs</h2>
  <p class="muted">${trend.runs.length} run${trend.runs.length === 1 ? '' : 's'} of environment <code>${trend.environment}</code> on target <code>${trend.target}</code>, oldest first, this run last. A rollback is flagged when it is more than ${Math.round((trend.ratio - 1) * 100)}% slower than the median of its last ${trend.window} earlier runs (at least ${trend.minBaseline} needed).</p>
  ${skipped}
  <table id="trend-table">
    <thead><tr><th>test</th><th>rollback duration, run by run</th><th class="num">this run</th><th class="num">median of last ${trend.window}</th><th class="num">change</th><th>verdicts, run by run</th></tr></thead>
    <tbody>${trend.tests.map((t) => testRow(t, trend))}</tbody>
  </table>
</section>`;
}

function testRow(t: TestTrend, trend: Trend): SafeHtml {
  const change = t.change === undefined ? (t.current === undefined ? 'not measured' : `needs ${trend.minBaseline} earlier runs (${t.baselineRuns})`) : signed(t.change - 1);
  return html`<tr class="trend-row" data-test-id="${t.id}" data-regression="${t.regression ? 'yes' : 'no'}">
  <td><code>${t.id}</code>${t.regression ? html` <span class="status status-failed">regression</span>` : ''}</td>
  <td>${sparkline(t)}</td>
  <td class="num">${t.current === undefined ? '—' : formatMs(t.current)}</td>
  <td class="num">${t.median === undefined ? '—' : formatMs(t.median)}</td>
  <td class="num">${change}</td>
  <td>${t.points.map((p) => html`<span class="grid-cell status-${p.status ?? 'none'}" title="${p.runId}: ${p.status ?? 'not run'}"></span>`)}</td>
</tr>`;
}

function sparkline(t: TestTrend): SafeHtml {
  const values = t.points.map((p) => p.rollbackMs);
  const measured = values.filter((v): v is number => v !== undefined);
  if (measured.length === 0) return html`<span class="muted">no rollback measured</span>`;
  const max = Math.max(...measured, t.median ?? 0) * 1.1;
  const step = values.length > 1 ? (sparkWidth - 8) / (values.length - 1) : 0;
  const xy = (i: number, v: number) => ({ x: round(4 + i * step), y: round(sparkHeight - 4 - (v / max) * (sparkHeight - 8)) });
  const points = values.flatMap((v, i) => (v === undefined ? [] : [{ ...xy(i, v), v, i }]));
  const last = values.length - 1;
  return html`<svg class="sparkline" width="${sparkWidth}" height="${sparkHeight}" viewBox="0 0 ${sparkWidth} ${sparkHeight}" role="img" aria-label="${t.id} rollback durations" xmlns="http://www.w3.org/2000/svg">
  ${t.median === undefined ? '' : html`<line class="spark-median" x1="0" x2="${sparkWidth}" y1="${xy(0, t.median).y}" y2="${xy(0, t.median).y}"><title>median ${formatMs(t.median)}</title></line>`}
  ${segments(points).map((run) => html`<polyline class="spark" points="${run.map((p) => `${p.x},${p.y}`).join(' ')}"/>`)}
  ${points.map((p) => html`<circle class="spark-point${p.i === last && t.regression ? ' regression' : ''}" cx="${p.x}" cy="${p.y}" r="${p.i === last ? 3.5 : 2}"><title>${t.points[p.i]?.runId ?? ''}: ${formatMs(p.v)}</title></circle>`)}
</svg>`;
}

/** Runs of consecutive measured points: a run with no rollback breaks the line instead of being bridged. */
function segments<P extends { i: number }>(points: P[]): P[][] {
  const out: P[][] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && last.at(-1)!.i === p.i - 1) last.push(p);
    else out.push([p]);
  }
  return out;
}

function signed(ratio: number): string {
  const pct = Math.round(ratio * 100);
  return `${pct > 0 ? '+' : ''}${pct}%`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
