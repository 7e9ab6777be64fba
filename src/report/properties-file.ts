/**
 * A Java .properties file (Allure's environment.properties). Such files are read as ISO-8859-1,
 * so anything outside printable ASCII is written as a \uXXXX escape; separators in keys and
 * leading blanks in values are escaped so that they survive the round trip.
 */
export function renderProperties(entries: Record<string, string | undefined>): string {
  return Object.entries(entries)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${escape(key, true)}=${escape(value, false)}`)
    .join('\n')
    .concat('\n');
}

function escape(text: string, isKey: boolean): string {
  let out = '';
  let leading = true;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch !== ' ') leading = false;
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\f') out += '\\f';
    else if (ch === ' ' && (isKey || leading)) out += '\\ ';
    else if (isKey && (ch === '=' || ch === ':')) out += `\\${ch}`;
    // '#' and '!' only start a comment at the beginning of a line, which only a key can be.
    else if (isKey && out === '' && (ch === '#' || ch === '!')) out += `\\${ch}`;
    else if (code < 0x20 || code > 0x7e) out += unicodeEscape(ch);
    else out += ch;
  }
  return out;
}

/** Code points above U+FFFF become a surrogate pair of escapes, as Java's Properties.load expects. */
function unicodeEscape(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}
