import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trusted } from './html.ts';

describe('html template', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const evil = `"><script>alert('x')</script>&`;
    const out = html`<td title="${evil}">${evil}</td>`.html;
    expect(out).toBe('<td title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</td>');
    expect(out).not.toContain('<script>');
  });

  it('keeps nested templates and trusted markup as markup, and escapes arrays item by item', () => {
    const rows = ['a<b', 'c&d'].map((t) => html`<li>${t}</li>`);
    expect(html`<ul>${rows}</ul>${trusted('<hr>')}`.html).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul><hr>');
  });

  it('prints nothing for null and undefined, and numbers as they are', () => {
    expect(html`[${null}${undefined}${42}${0}]`.html).toBe('[420]');
  });

  it('shows control characters as visible text and replaces lone surrogates', () => {
    expect(escapeHtml('kill \u001b[31m \u0000 \uD800 ok')).toBe('kill \\u001b[31m \\u0000 \uFFFD ok');
    expect(escapeHtml('tab\tnew\nline')).toBe('tab\tnew\nline');
  });
});
