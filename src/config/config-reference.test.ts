import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown } from './config-reference.ts';
import { configJsonSchema } from './json-schema.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

type Node = { properties?: Record<string, Node>; additionalProperties?: unknown; items?: Node; oneOf?: Node[]; anyOf?: Node[] };

/** Every field name of the environment schema, at any depth, in every kind of every union. */
function fieldNames(node: Node, into = new Set<string>()): Set<string> {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (name !== 'kind') into.add(name);
    fieldNames(child, into);
  }
  for (const alt of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) fieldNames(alt, into);
  if (node.items) fieldNames(node.items, into);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') fieldNames(node.additionalProperties as Node, into);
  return into;
}

describe('docs/configuration.md, the config reference generated from the schema', () => {
  it('is what the schema renders now (npm run docs writes it)', () => {
    expect(readFileSync(`${root}docs/configuration.md`, 'utf8')).toBe(configReferenceMarkdown());
  });

  it('has a row for every field of every kind, so no field of the schema goes undocumented', () => {
    const markdown = configReferenceMarkdown();
    // A field has its row, or sits in a one-field object written out in its parent's type (`{ total: string }`).
    const rows = new Set([...markdown.matchAll(/^\| `([^`]+)` \|/gm), ...markdown.matchAll(/\{ ([\w-]+)\??: /g)].map((m) => m[1]));
    const environment = (configJsonSchema() as Node).properties!['environments']!.additionalProperties as Node;
    const names = [...fieldNames(environment)];
    expect(names.length).toBeGreaterThan(150);
    expect(names.filter((name) => !rows.has(name))).toEqual([]);
  });

  it('carries the descriptions given on the schemas, defaults and allowed values', () => {
    const markdown = configReferenceMarkdown();
    expect(markdown).toContain("| `stopGraceMs` | integer (≥ 0) | `10000` (10 s) | Time between the graceful stop (SIGTERM or the target's equivalent) and the kill. |");
    expect(markdown).toContain("| `pdf` | `'off'` \\| `'if-available'` \\| `'required'` | `'if-available'` |");
    expect(markdown).toContain('### `failure` kind `database-cut`');
    expect(markdown).toContain('| `v2` | object: same as [`v1`](#v1) | **required** |');
  });
});
