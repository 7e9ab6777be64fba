import type { Journal } from '../../journal/journal-types.ts';
import { checklistSection } from './checklist-section.ts';
import { checksSection } from './checks-section.ts';
import { criteriaTimelineSection } from './criteria-timeline-section.ts';
import { dataLossSection } from './data-loss-section.ts';
import { evidenceSection } from './evidence-section.ts';
import { html, trusted } from './html.ts';
import { kpiVarianceSection } from './kpi-variance-section.ts';
import type { ReportContext } from './report-context.ts';
import { signoffSection } from './signoff-section.ts';
import { styles } from './styles.ts';
import { trendSection } from './trend-section.ts';
import { verdictSection } from './verdict-section.ts';
import { waterfallSection } from './waterfall-section.ts';

/**
 * report.html: one self-contained page a manager reads in a minute, made from the journal and the
 * context only. The Content-Security-Policy forbids every fetch (default-src 'none'), so even a
 * value that slipped past escaping could not load anything; styles and SVG are inline.
 * Deterministic for the same input — no "rendered at" time — so re-rendering changes nothing.
 */
export function renderReportHtml(journal: Journal, context: ReportContext): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rollback-drill">
<title>Rollback drill ${journal.runId} — ${journal.status.toUpperCase()}</title>
<style>${trusted(styles)}</style>
</head>
<body>
<main>
${verdictSection(journal, context)}
${checklistSection(journal)}
${checksSection(journal)}
${waterfallSection(journal)}
${trendSection(context)}
${kpiVarianceSection(journal)}
${dataLossSection(journal)}
${criteriaTimelineSection(journal)}
${evidenceSection(context)}
${signoffSection(context.signatures)}
<footer class="muted"><p>Made by rollback-drill from <code>journal.json</code> of run <code>${journal.runId}</code>.</p></footer>
</main>
</body>
</html>
`.html;
}
