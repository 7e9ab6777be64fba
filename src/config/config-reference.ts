import { configJsonSchema } from './json-schema.ts';

/**
 * docs/configuration.md, written from the config's JSON Schema (the zod schema's input side, with the
 * descriptions given to the schemas by `.describe()`): every field with its type, allowed values,
 * default and description. `npm run docs` writes it; a unit test fails when the file differs from what
 * this renders now, so the reference cannot drift from the schema.
 */

type Node = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: Node | boolean;
  propertyNames?: Node;
  items?: Node;
  oneOf?: Node[];
  anyOf?: Node[];
  not?: object;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

interface Section {
  heading: string;
  level: 2 | 3;
  lines: string[];
}

const SAFE = 9007199254740991;

/** The reference as markdown, from the schema as it is now. */
export function configReferenceMarkdown(): string {
  const root = configJsonSchema() as Node;
  const environment = (root.properties?.['environments']?.additionalProperties ?? {}) as Node;
  const writer = new ReferenceWriter();
  writer.object('', environment, 2, 'Every environment of `environments` takes these fields; the sections below give the fields of each object.');
  // The contents list the environment's own fields; deeper sections are reached from their parent's table.
  const contents = writer.sections
    .filter((s) => s.level === 2 && !/[.[(]/.test(s.heading) && s.heading !== '`environments.<name>`')
    .map((s) => `- [${s.heading}](#${slug(s.heading)})`);
  return [
    '# Configuration reference',
    '',
    '_Generated from the config schema (`src/config/schema.ts` and the schemas it is made of) by `npm run docs`; do not edit',
    'by hand. The same descriptions are in the JSON Schema `dist/config.schema.json` (`npx drill schema`), which editors show',
    'for a `.json` or `.yaml` config that names it in `"$schema"`._',
    '',
    'A config is `{ environments: { <name>: { … } } }`: environment names are letters, digits, `-` and `_`. A',
    '`drill.config.ts` may also give `plugins` (drills, targets, reporters, notification kinds: code, so not in this',
    'schema; see [architecture.md](architecture.md)). Unknown keys are errors that name their path, so a misspelt field',
    'never passes silently. `npx drill validate --config <file>` checks a config without starting anything.',
    '',
    'In the tables: **required** fields must be given; a field with a default may be left out; `—` means optional with',
    'no default. Placeholders such as `{{databaseUrl}}` are listed in [your-pipeline.md](your-pipeline.md#placeholders).',
    'Durations are in milliseconds. Paths are relative to the environment: `v1.health` is `environments.<name>.v1.health`,',
    'and `target(docker).v1` is the field `v1` of a `target` of kind `docker`.',
    '',
    '## Contents',
    '',
    '- [`environments.<name>`](#environmentsname)',
    ...contents.map((line) => `  ${line}`),
    '',
    ...writer.sections.flatMap((s) => [`${'#'.repeat(s.level)} ${s.heading}`, '', ...s.lines, '']),
  ].join('\n');
}

class ReferenceWriter {
  readonly sections: Section[] = [];
  /** A schema documented once: later fields of the same shape link to it (v2 is v1's shape). */
  private readonly documented = new Map<string, string>();

  /** A section for an object: its table, then a section for each field that is an object or a union of kinds. */
  object(path: string, node: Node, level: 2 | 3, intro?: string): void {
    const section: Section = { heading: `\`${path || 'environments.<name>'}\``, level, lines: [] };
    this.sections.push(section);
    if (intro ?? node.description) section.lines.push(text(intro ?? node.description ?? ''), '');
    for (const [nestedPath, child] of this.fields(path, node, section)) this.nested(nestedPath, child);
  }

  /** The table of an object's fields; returns the fields that need a section of their own, for after it. */
  private fields(path: string, node: Node, section: Section): Array<[string, Node]> {
    const properties = Object.entries(node.properties ?? {}).filter(([name]) => name !== 'kind');
    if (properties.length === 0) {
      section.lines.push('No fields besides `kind`.');
      return [];
    }
    const nested: Array<[string, Node]> = [];
    section.lines.push('| field | type | default | description |', '| --- | --- | --- | --- |');
    for (const [name, field] of properties) {
      const fieldPath = path ? `${path}.${name}` : name;
      const target = documentable(field);
      let type = typeText(field);
      if (target) {
        const key = shapeKey(target.node);
        const seen = this.documented.get(key);
        const anchor = seen ?? `${fieldPath}${target.suffix}`;
        type = `${target.label}: ${seen ? 'same as ' : 'see '}[\`${anchor}\`](#${slug(`\`${anchor}\``)})`;
        if (!seen) {
          this.documented.set(key, anchor);
          nested.push([anchor, target.node]);
        }
      }
      const required = node.required?.includes(name);
      section.lines.push(row([`\`${name}\``, type, required ? '**required**' : defaultText(field, name), text(field.description ?? '')]));
    }
    return nested;
  }

  private nested(path: string, node: Node): void {
    const kinds = variantsOf(node);
    if (!kinds) {
      this.object(path, node, 2);
      return;
    }
    const section: Section = { heading: `\`${path}\``, level: 2, lines: [] };
    this.sections.push(section);
    section.lines.push(text(`${node.description ? `${node.description} ` : ''}One of the kinds ${kinds.map(([kind]) => `\`${kind}\``).join(', ')}.`));
    // Every kind's table first, then the sections its fields need: a kind's sub-objects never split the kinds apart.
    const nested: Array<[string, Node]> = [];
    for (const [kind, variant] of kinds) {
      const part: Section = { heading: `\`${path}\` kind \`${kind}\``, level: 3, lines: [] };
      this.sections.push(part);
      if (variant.description) part.lines.push(text(variant.description), '');
      nested.push(...this.fields(`${path}(${kind})`, variant, part));
    }
    for (const [nestedPath, child] of nested) this.nested(nestedPath, child);
  }
}

/** A field worth a section of its own: an object with fields, or a union of kinds (also as array items). */
function documentable(field: Node): { node: Node; label: string; suffix: string } | undefined {
  if (field.type === 'array' && field.items && documentable(field.items) && !field.items.items) {
    const inner = documentable(field.items)!;
    return { node: inner.node, label: `list of ${inner.label}s`, suffix: '[]' };
  }
  if (variantsOf(field)) return { node: field, label: 'one of several kinds', suffix: '' };
  if (field.type === 'object' && field.properties && Object.keys(field.properties).length > 0 && !inlineObject(field)) return { node: field, label: 'object', suffix: '' };
  return undefined;
}

/** The kinds of a discriminated union: each alternative an object with a constant `kind`. */
function variantsOf(node: Node): Array<[string, Node]> | undefined {
  const alternatives = node.oneOf ?? node.anyOf;
  if (!alternatives?.length) return undefined;
  const kinds = alternatives.map((alt) => alt.properties?.['kind']?.const);
  if (!kinds.every((k) => typeof k === 'string')) return undefined;
  return alternatives.map((alt, i) => [kinds[i] as string, alt]);
}

/** A one-field object with nothing to describe, shown in the type column itself (`{ total: string }`). */
function inlineObject(node: Node): boolean {
  const fields = Object.values(node.properties ?? {});
  return fields.length <= 1 && fields.every((f) => !f.properties && !f.oneOf && !f.anyOf && !f.description);
}

/** Same shape whatever the field's own description and default: v1 and v2 share their schema. */
function shapeKey(node: Node): string {
  const { description: _d, default: _v, ...shape } = node;
  return JSON.stringify(shape);
}

function typeText(node: Node): string {
  if (node.not && Object.keys(node.not).length === 0) return 'refused';
  if (node.const !== undefined) return code(literal(node.const));
  if (node.enum) return node.enum.map((v) => code(literal(v))).join(' \\| ');
  const alternatives = node.oneOf ?? node.anyOf;
  if (alternatives) return alternatives.map(typeText).join(' \\| ');
  if (Array.isArray(node.type)) return node.type.join(' \\| ');
  switch (node.type) {
    case 'array': {
      const items = node.items ? typeText(node.items) : 'any';
      const list = /\s/.test(items) ? `list of (${items})` : `list of ${items}`;
      return withLimits(list, node.minItems ? [`at least ${node.minItems}`] : []);
    }
    case 'object':
      if (node.properties && Object.keys(node.properties).length > 0) {
        return `{ ${Object.entries(node.properties)
          .map(([k, v]) => `${k}${node.required?.includes(k) ? '' : '?'}: ${typeText(v)}`)
          .join('; ')} }`;
      }
      if (node.additionalProperties && typeof node.additionalProperties === 'object') {
        const key = node.propertyNames ? typeText(node.propertyNames) : 'string';
        return `map of ${key} → ${typeText(node.additionalProperties)}`;
      }
      return 'object';
    case 'integer':
    case 'number':
      return withLimits(node.type, numberLimits(node));
    case 'string':
      return withLimits(node.format === 'uri' ? 'URL' : 'string', stringLimits(node));
    case undefined:
      return 'any JSON value';
    default:
      return node.type;
  }
}

function withLimits(type: string, limits: string[]): string {
  return limits.length ? `${type} (${limits.join(', ')})` : type;
}

function numberLimits(node: Node): string[] {
  const limits: string[] = [];
  if (node.exclusiveMinimum !== undefined) limits.push(`> ${node.exclusiveMinimum}`);
  if (node.minimum !== undefined && node.minimum > -SAFE) limits.push(`≥ ${node.minimum}`);
  if (node.exclusiveMaximum !== undefined) limits.push(`< ${node.exclusiveMaximum}`);
  if (node.maximum !== undefined && node.maximum < SAFE) limits.push(`≤ ${node.maximum}`);
  return limits;
}

function stringLimits(node: Node): string[] {
  const limits: string[] = [];
  if (node.pattern) {
    // z.string().startsWith('/') is the pattern ^\/.*: say it in words.
    const prefix = /^\^((?:\\.|[^\\.*+?()[\]{}|^$])+)\.\*$/.exec(node.pattern)?.[1];
    // A long pattern (a host name, an e-mail address) says less than the description; the JSON Schema has it.
    if (prefix) limits.push(`starts with ${code(prefix.replace(/\\(.)/g, '$1'))}`);
    else limits.push(node.pattern.length <= 40 ? `matching ${code(node.pattern)}` : 'checked by a pattern');
  } else if (node.minLength === 1) limits.push('not empty');
  else if (node.minLength) limits.push(`at least ${node.minLength} characters`);
  if (node.maxLength) limits.push(`at most ${node.maxLength} characters`);
  return limits;
}

function defaultText(node: Node, name: string): string {
  if (node.default === undefined) return '—';
  const value = code(literal(node.default));
  return typeof node.default === 'number' && /Ms$/.test(name) && node.default >= 1000 ? `${value} (${duration(node.default)})` : value;
}

function duration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** A value as it is written in a drill.config.ts. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k)}: ${literal(v)}`).join(', ')} }` : '{}';
  }
  return String(value);
}

/** A code span, also around text that holds a backtick. */
function code(value: string): string {
  return value.includes('`') ? `\`\` ${value} \`\`` : `\`${value}\``;
}

/** Prose from a description: `<`, `>` and `&` outside code spans are text, never HTML (`GET <path>`). */
function text(prose: string): string {
  return prose
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')))
    .join('');
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replaceAll('\n', ' ').replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
