import { replaceForbidden } from '../xml-escape.ts';

/**
 * Every value in the report comes from configs, logs and error messages, so every interpolation
 * is escaped unless it is already a SafeHtml made by this template tag. Booleans are not
 * accepted: `${flag && html`…`}` would print "false", so conditions are written as ternaries.
 */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export type Interpolation = SafeHtml | string | number | null | undefined | readonly Interpolation[];

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return replaceForbidden(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Trusted markup written by this code (the stylesheet): never a value from a journal. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.html;
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : escapeHtml(String(value));
  return escapeHtml(value as string);
}
