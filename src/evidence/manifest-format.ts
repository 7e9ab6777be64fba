import { byCodeUnit } from './list-files.ts';

/**
 * The `sha256sum` text format, so `sha256sum --check manifest.sha256` verifies a run with no
 * harness installed: `<64 hex>  <path>` per line. Like GNU coreutils, a name holding a backslash,
 * newline or carriage return is escaped and its line starts with a backslash.
 */
export interface ManifestEntry {
  path: string;
  sha256: string;
}

export interface ParsedManifest {
  entries: Map<string, string>;
  /** Lines that are not `<hash>  <path>`, or that repeat a path: a manifest edited by hand. */
  malformed: string[];
}

export interface ManifestDiff {
  changed: string[];
  added: string[];
  removed: string[];
}

export function formatManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => byCodeUnit(a.path, b.path))
    .map(({ path, sha256 }) => {
      const escaped = path.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
      return `${escaped === path ? '' : '\\'}${sha256}  ${escaped}\n`;
    })
    .join('');
}

const line = /^(\\?)([0-9a-f]{64}) [ *](.+)$/;

export function parseManifest(text: string): ParsedManifest {
  const entries = new Map<string, string>();
  const malformed: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, raw] of lines.entries()) {
    const match = line.exec(raw);
    if (!match) {
      malformed.push(`line ${index + 1}: not "<sha256>  <path>"`);
      continue;
    }
    const [, escaped, sha256, name] = match as unknown as [string, string, string, string];
    const path = escaped ? unescapeName(name) : name;
    if (entries.has(path)) {
      malformed.push(`line ${index + 1}: ${path} listed twice`);
      continue;
    }
    entries.set(path, sha256);
  }
  return { entries, malformed };
}

function unescapeName(name: string): string {
  return name.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch));
}

/** What differs between the sealed hashes and the files as they are now; each list sorted. */
export function diffManifest(sealed: ReadonlyMap<string, string>, now: ReadonlyMap<string, string>): ManifestDiff {
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [path, sha256] of sealed) {
    const current = now.get(path);
    if (current === undefined) removed.push(path);
    else if (current !== sha256) changed.push(path);
  }
  const added = [...now.keys()].filter((path) => !sealed.has(path));
  return { changed: changed.sort(byCodeUnit), added: added.sort(byCodeUnit), removed: removed.sort(byCodeUnit) };
}
