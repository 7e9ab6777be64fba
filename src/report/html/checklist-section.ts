import type { Journal } from '../../journal/journal-types.ts';
import { testingChecklist, type ChecklistEntry } from '../../journal/checklist.ts';
import { html, type SafeHtml } from './html.ts';

/** The seed's Testing Checklist, filled with the same words as checklist.md. */
export function checklistSection(journal: Journal): SafeHtml {
  return html`<section id="checklist">
  <h2>Testing Checklist</h2>
  <ul class="checklist">${testingChecklist(journal).map(entry)}</ul>
</section>`;
}

function entry(item: ChecklistEntry): SafeHtml {
  const box =
    item.done === undefined
      ? html`<span class="box"></span>`
      : item.done
        ? html`<span class="box box-done" aria-label="done">☑</span>`
        : html`<span class="box box-open" aria-label="open">☐</span>`;
  return html`<li class="${item.done === undefined ? 'note-item' : item.done ? 'done' : 'open'}">${box} ${item.text}${item.remark ? html` — <span class="remark">${item.remark}</span>` : ''}${
    item.children?.length ? html`<ul>${item.children.map(entry)}</ul>` : ''
  }</li>`;
}
