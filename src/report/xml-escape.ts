/**
 * Escaping for XML 1.0 reports. Journal text comes from service logs and error messages, so it can
 * hold anything — ANSI colour codes, NULs from a crashed process, lone UTF-16 surrogates from a
 * truncated buffer. XML 1.0 forbids most C0 control characters even as character references
 * (`&#27;` is not well-formed), so they are written as visible `\u001b` text instead of being
 * dropped: the reader still sees that something was there.
 */

// Allowed: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. The `u` flag makes
// a well-formed surrogate pair one code point, so only lone surrogates match the middle range.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/** Control characters as visible `\u001b` text, lone surrogates as U+FFFD; HTML reports use it too. */
export function replaceForbidden(text: string): string {
  return text.replace(FORBIDDEN, (ch) => {
    const code = ch.charCodeAt(0);
    // A lone surrogate has no meaning of its own; U+FFFD is what every decoder would show.
    if (code >= 0xd800 && code <= 0xdfff) return '\uFFFD';
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Text content of an element. */
export function escapeXmlText(text: string): string {
  return replaceForbidden(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A double-quoted attribute value. Newlines and tabs become character references because a
 * parser normalises literal ones in attributes to spaces, and a multi-line error message would
 * lose its shape.
 */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** `name="value" …` for the attributes that are defined, in the given order. */
export function xmlAttrs(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${escapeXmlAttr(String(value))}"`)
    .join(' ');
}
