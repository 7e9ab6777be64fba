import type { EvidenceFile } from '../../evidence/evidence-list.ts';
import { html, type SafeHtml } from './html.ts';
import type { ReportContext } from './report-context.ts';

/** Every evidence file the journal names, with its size and sha256 when the report was written. */
export function evidenceSection(context: ReportContext): SafeHtml {
  return html`<section id="evidence">
  <h2>Evidence</h2>
  <p class="muted">Sizes and sha256 as read when this report was written. <code>manifest.sha256</code> seals every file of the run folder, this report included; <code>drill verify &lt;run folder&gt;</code> (or <code>sha256sum --check manifest.sha256</code>) names any file changed, added or removed since.</p>
  <table id="evidence-table">
    <thead><tr><th>test</th><th>file</th><th class="num">bytes</th><th>sha256</th></tr></thead>
    <tbody>${context.evidence.map(row)}</tbody>
  </table>
</section>`;
}

function row(file: EvidenceFile): SafeHtml {
  return html`<tr class="evidence-row" data-path="${file.path}">
  <td>${file.testId ?? 'run'}</td>
  <td><code>${file.path}</code></td>
  <td class="num">${file.bytes === undefined ? '—' : file.bytes.toLocaleString('en-US')}</td>
  <td class="hash">${file.sha256 ?? html`<span class="status status-failed">${file.problem ?? 'unknown'}</span>`}</td>
</tr>`;
}
