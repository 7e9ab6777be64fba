import type { KeyFamily } from './column-types.ts';

import type { DiffShape } from './summary-sql.ts';

/**
 * What the key-level diff of mismatched buckets found, per kind of difference (findingNames): the
 * same whether it ran as one statement on one database (summary-sql.ts keyDiffSql) or as a merge
 * of two key streams in Node (KeyTally, mergeKeyStreams) for sides on two databases.
 */
/** One row of a sampled key, as a person reads it. */
export interface SampledRow {
  tag: string;
  /** Value columns as text, for a person to read (compared typed, never as this text). */
  values: Record<string, string | null>;
}

export interface KeyDiff {
  /** Distinct keys in the mismatched buckets. */
  keys: number;
  findings: Record<string, Finding>;
}

/** How many keys are of one kind, exactly, and the first of them in key order. */
export interface Finding {
  count: number;
  sample: KeyCounts[];
}

/** A key and its number of occurrences in every query (left side's queries first). */
export interface KeyCounts {
  key: string;
  counts: number[];
}

/**
 * The kinds of key-level difference, over a key's counts per query (left side's first):
 * only_left / only_right, repeated_left / repeated_right (more than once on the side),
 * across_left / across_right (in more than one query of the side), repeated_in_<i> (more than
 * once in query i), value_mismatches (on both sides, with values on both, whose value hashes
 * differ). Mirrors summary-sql.ts keyConditions.
 */
export function findingNames(shape: DiffShape): string[] {
  return [
    'only_left',
    'only_right',
    'repeated_left',
    'repeated_right',
    'across_left',
    'across_right',
    'value_mismatches',
    ...[...shape.left, ...shape.right].map((i) => `repeated_in_${i}`),
  ];
}

export function emptyKeyDiff(shape: DiffShape): KeyDiff {
  return { keys: 0, findings: Object.fromEntries(findingNames(shape).map((name) => [name, { count: 0, sample: [] }])) };
}

/** The kinds a key is of, given its counts and both sides' value hash ranges. */
export function classify(shape: DiffShape, counts: readonly number[], left: ValueRange | undefined, right: ValueRange | undefined): string[] {
  const total = (idx: readonly number[]) => idx.reduce((sum, i) => sum + counts[i]!, 0);
  const holding = (idx: readonly number[]) => idx.filter((i) => counts[i]! > 0).length;
  const l = total(shape.left);
  const r = total(shape.right);
  const kinds: string[] = [];
  if (l > 0 && r === 0) kinds.push('only_left');
  if (l === 0 && r > 0) kinds.push('only_right');
  if (l > 1) kinds.push('repeated_left');
  if (r > 1) kinds.push('repeated_right');
  if (holding(shape.left) > 1) kinds.push('across_left');
  if (holding(shape.right) > 1) kinds.push('across_right');
  if (total(shape.leftValues) > 0 && total(shape.rightValues) > 0 && (left?.vmin !== right?.vmin || left?.vmax !== right?.vmax)) kinds.push('value_mismatches');
  for (const i of [...shape.left, ...shape.right]) if (counts[i]! > 1) kinds.push(`repeated_in_${i}`);
  return kinds;
}

/** The smallest and largest value hash of a key's value rows on one side (null without any). */
export interface ValueRange {
  vmin: string | null;
  vmax: string | null;
}

/** One side's row for one key, as sideKeysSql returns it: its hash, its counts per query of that side, its value hash range (null without value rows). */
export interface SideKey {
  kh: string;
  key: string;
  counts: number[];
  vmin: string | null;
  vmax: string | null;
}

/**
 * Key order as PostgreSQL sorts the compared keys: int8 numerically, text collated "C", i.e. by
 * the code points of its characters, as the bytes of UTF-8 order them. JavaScript's own string
 * order (by UTF-16 unit) differs only where a character above U+FFFF meets one in U+E000–U+FFFF:
 * at the first differing unit, surrogates are moved above U+FFFF.
 */
export function keyOrder(family: KeyFamily): (a: string, b: string) => number {
  if (family === 'integer') return compareInt8Text;
  return (a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.charCodeAt(i);
      const y = b.charCodeAt(i);
      if (x !== y) return codePointRank(x) - codePointRank(y);
    }
    return a.length - b.length;
  };
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** Compares two int8 values in their decimal text, without parsing them. */
export function compareInt8Text(a: string, b: string): number {
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  if (negA !== negB) return negA ? -1 : 1;
  const magnitude = a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return negA ? -magnitude : magnitude;
}

/** Keeps the `size` smallest items seen, in order. */
class Smallest {
  readonly items: KeyCounts[] = [];
  constructor(
    readonly size: number,
    readonly order: (a: string, b: string) => number,
  ) {}

  offer(item: KeyCounts): void {
    if (this.size === 0) return;
    if (this.items.length >= this.size && this.order(item.key, this.items.at(-1)!.key) >= 0) return;
    let i = this.items.length;
    while (i > 0 && this.order(item.key, this.items[i - 1]!.key) < 0) i--;
    this.items.splice(i, 0, item);
    if (this.items.length > this.size) this.items.pop();
  }
}

/**
 * Classifies keys into a KeyDiff, whatever order they come in: counts every kind exactly and keeps
 * the `sampleSize` smallest keys of each in key order, as the SQL's `order by k limit` does.
 * Memory is the samples only, whatever the number of keys.
 */
export class KeyTally {
  #keys = 0;
  readonly #counts = new Map<string, number>();
  readonly #samples = new Map<string, Smallest>();

  constructor(
    readonly shape: DiffShape,
    sampleSize: number,
    order: (a: string, b: string) => number,
  ) {
    for (const name of findingNames(shape)) {
      this.#counts.set(name, 0);
      this.#samples.set(name, new Smallest(sampleSize, order));
    }
  }

  /** One key: its rows on each side (undefined where it has none). */
  add(key: string, left: SideKey | undefined, right: SideKey | undefined): void {
    const counts = [...(left?.counts ?? this.shape.left.map(() => 0)), ...(right?.counts ?? this.shape.right.map(() => 0))];
    this.#keys++;
    for (const kind of classify(this.shape, counts, left, right)) {
      this.#counts.set(kind, this.#counts.get(kind)! + 1);
      this.#samples.get(kind)!.offer({ key, counts });
    }
  }

  get diff(): KeyDiff {
    return {
      keys: this.#keys,
      findings: Object.fromEntries([...this.#counts].map(([name, count]) => [name, { count, sample: [...this.#samples.get(name)!.items] }])),
    };
  }
}

/**
 * Merges two key streams, each ordered by (key hash, key) with one row per key (sideKeysSql),
 * into a KeyTally: the diff of two databases' mismatched buckets, holding one row per side.
 * Ordering by the int8 hash first makes the databases' sorts cheap; the samples are re-ordered
 * by key in the tally.
 */
export async function mergeKeyStreams(left: AsyncIterable<SideKey>, right: AsyncIterable<SideKey>, tally: KeyTally, order: (a: string, b: string) => number): Promise<KeyDiff> {
  const l = left[Symbol.asyncIterator]();
  const r = right[Symbol.asyncIterator]();
  try {
    let a = await l.next();
    let b = await r.next();
    while (!a.done || !b.done) {
      const cmp = a.done ? 1 : b.done ? -1 : compareInt8Text(a.value.kh, b.value.kh) || order(a.value.key, b.value.key);
      if (cmp < 0) {
        tally.add(a.value!.key, a.value, undefined);
        a = await l.next();
      } else if (cmp > 0) {
        tally.add(b.value!.key, undefined, b.value);
        b = await r.next();
      } else {
        tally.add(a.value!.key, a.value, b.value);
        [a, b] = await Promise.all([l.next(), r.next()]);
      }
    }
    return tally.diff;
  } finally {
    await Promise.all([l.return?.(), r.return?.()]);
  }
}

/**
 * One line of COPY … TO STDOUT in text format, split into fields: tab-separated, `\N` for null,
 * backslash escapes for backslash and control characters.
 */
export function copyFields(line: string): Array<string | null> {
  return line.split('\t').map((field) => (field === '\\N' ? null : field.includes('\\') ? unescapeCopy(field) : field));
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function unescapeCopy(field: string): string {
  return field.replace(/\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/g, (_, c: string) => {
    if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(c, 8));
    if (c.startsWith('x')) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ESCAPES[c] ?? c;
  });
}
