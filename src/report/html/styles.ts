/**
 * The whole stylesheet, inlined: the report is one file that opens offline, from an attachment or
 * an archive, years later. System fonts only — a web font would be a network request.
 */
export const styles = `
:root { --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --error: #8250df; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p { margin: 6px 0; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: baseline; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; word-break: break-all; }
.status { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px; font-weight: 600; text-transform: uppercase; color: #fff; background: var(--muted); }
.status-passed { background: var(--pass); }
.status-failed { background: var(--fail); }
.status-inconclusive { background: var(--warn); }
.status-error { background: var(--error); }
.status-skipped, .status-interrupted, .status-none { background: #8c959f; }
.verdict { border-radius: 8px; padding: 16px 20px; color: #fff; margin: 12px 0; }
.verdict .word { font-size: 34px; font-weight: 800; letter-spacing: 1px; }
.verdict .meaning { font-size: 16px; margin: 2px 0 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.step-error pre { white-space: pre-wrap; word-break: break-word; background: #ffebe9; padding: 6px 8px; border-radius: 4px; font-size: 12px; margin: 4px 0 10px; }
.flag { border-left: 4px solid var(--fail); background: #ffebe9; padding: 6px 10px; margin: 8px 0; }
.checklist, .checklist ul { list-style: none; padding-left: 0; }
.checklist ul { padding-left: 26px; }
.checklist li { margin: 2px 0; }
.box { display: inline-block; width: 16px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.box-done { color: var(--pass); }
.box-open { color: var(--muted); }
.remark { color: var(--muted); font-style: italic; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; fill: #1f2328; }
svg .axis { stroke: var(--line); }
svg .budget-line { stroke: var(--fail); stroke-dasharray: 4 3; }
svg .budget-track { fill: var(--soft); stroke: var(--line); }
svg .window-bar { fill: #54aeff; }
svg .step-bar, svg .zoom-bar { fill: #0969da; }
svg .muted { fill: var(--muted); }
svg .status-failed, svg .status-error, svg .status-interrupted { fill: var(--fail); }
svg .status-skipped { fill: #8c959f; }
svg .step-budget { stroke: var(--warn); stroke-width: 2; }
svg .spark { fill: none; stroke: #0969da; stroke-width: 1.5; }
svg .spark-median { stroke: var(--muted); stroke-dasharray: 3 3; }
svg .spark-point { fill: #0969da; }
svg .spark-point.regression { fill: var(--fail); }
.grid-cell { display: inline-block; width: 14px; height: 14px; border-radius: 2px; margin: 0 1px; vertical-align: middle; }
.signoff { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }
.signer { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-height: 96px; }
.signer .role { font-weight: 700; }
.signer .blank { border-bottom: 1px solid #1f2328; height: 28px; margin: 6px 0; }
section { break-inside: auto; }
tr, .signer, svg { break-inside: avoid; }
@media print { main { max-width: none; padding: 0; } h2, h3 { break-after: avoid; } }
`;
