/**
 * A strict, minimal XML 1.0 reader for the report tests: enough to prove the JUnit output is
 * well-formed (balanced tags, one root, quoted attributes, only the five predefined entities or
 * character references, no character XML forbids) and to read it back as a tree. The machines
 * have no xmllint and the project takes no XML dependency; no DTDs, CDATA or namespaces here,
 * because the reporters never write them.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_.:]*/y;
const SPACE = /[ \t\r\n]*/y;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(xml: string): XmlElement {
  const bad = FORBIDDEN.exec(xml);
  if (bad) throw new XmlSyntaxError(`character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML 1.0 (offset ${bad.index})`);
  let pos = 0;
  const fail = (what: string): never => {
    throw new XmlSyntaxError(`${what} at offset ${pos}: ${JSON.stringify(xml.slice(pos, pos + 30))}`);
  };
  const skipSpace = () => {
    SPACE.lastIndex = pos;
    SPACE.exec(xml);
    pos = SPACE.lastIndex;
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(xml);
    if (!match) return fail('expected a name');
    pos = NAME.lastIndex;
    return match[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;&<]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) return fail(`unterminated reference ${JSON.stringify(whole)}`);
      if (ref in ENTITIES) return ENTITIES[ref]!;
      const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
      if (Number.isNaN(code)) return fail(`unknown entity &${ref};`);
      const ch = String.fromCodePoint(code);
      if (FORBIDDEN.test(ch) || code > 0x10ffff) return fail(`reference &${ref}; names a character XML forbids`);
      return ch;
    });

  skipSpace();
  if (xml.startsWith('<?xml', pos)) {
    const end = xml.indexOf('?>', pos);
    if (end < 0) fail('unterminated XML declaration');
    pos = end + 2;
  }
  skipSpace();
  const root = readElement();
  skipSpace();
  if (pos !== xml.length) fail('content after the root element');
  return root;

  function readElement(): XmlElement {
    if (xml[pos] !== '<') fail('expected "<"');
    pos++;
    const element: XmlElement = { name: readName(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = pos;
      skipSpace();
      if (xml.startsWith('/>', pos)) {
        pos += 2;
        return element;
      }
      if (xml[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) fail('expected whitespace between attributes');
      const name = readName();
      if (name in element.attrs) fail(`duplicate attribute ${name}`);
      skipSpace();
      if (xml[pos] !== '=') fail(`expected "=" after attribute ${name}`);
      pos++;
      skipSpace();
      const quote = xml[pos];
      if (quote !== '"' && quote !== "'") fail(`attribute ${name} is not quoted`);
      const end = xml.indexOf(quote!, pos + 1);
      if (end < 0) fail(`unterminated attribute ${name}`);
      const raw = xml.slice(pos + 1, end);
      if (raw.includes('<')) fail(`"<" inside attribute ${name}`);
      element.attrs[name] = decode(raw);
      pos = end + 1;
    }
    for (;;) {
      const next = xml.indexOf('<', pos);
      if (next < 0) fail(`element <${element.name}> is never closed`);
      const raw = xml.slice(pos, next);
      if (raw.includes(']]>')) fail('"]]>" in text');
      element.text += decode(raw);
      pos = next;
      if (xml.startsWith('</', pos)) {
        pos += 2;
        const name = readName();
        if (name !== element.name) fail(`</${name}> closes <${element.name}>`);
        skipSpace();
        if (xml[pos] !== '>') fail('expected ">"');
        pos++;
        return element;
      }
      if (xml.startsWith('<!--', pos)) {
        const end = xml.indexOf('-->', pos);
        if (end < 0) fail('unterminated comment');
        pos = end + 3;
        continue;
      }
      element.children.push(readElement());
    }
  }
}

/** Every descendant element with this name, depth first. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  return root.children.flatMap((child) => [...(child.name === name ? [child] : []), ...findAll(child, name)]);
}
