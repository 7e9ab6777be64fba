import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { slug } from './config/config-reference.ts';

/**
 * The documentation holds: the README stays short, every docs page is reachable from it, every relative
 * link (and its #anchor) lands on something in the repository, and nothing points outside it.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const README_MAX_LINES = 300;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}
const pages = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];

/** Markdown without its fenced blocks: what is in them is neither a link nor a heading. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The text a reader sees as prose: code spans are not links either. */
function prose(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

function links(file: string): string[] {
  return [...prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}

/** The anchors GitHub gives a page's headings (a repeated heading gets -1, -2 …). */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of withoutFences(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading!.trim());
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('the documentation', () => {
  it(`README.md has at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('links every page of docs/ from the README', () => {
    const linked = new Set(links(join(root, 'README.md')).map((target) => resolve(root, target.split('#')[0]!)));
    expect(
      pages
        .slice(1)
        .filter((page) => !linked.has(page))
        .map((page) => relative(root, page)),
    ).toEqual([]);
  });

  it('has no relative link in README.md or docs/ to a file, or a heading, that does not exist', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const target of links(page)) {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? page : resolve(dirname(page), path);
        const where = `${relative(root, page)} → ${target}`;
        if (relative(root, file).startsWith('..')) broken.push(`${where}: outside the repository`);
        else if (!existsSync(file)) broken.push(`${where}: no such file`);
        else if (anchor && file.endsWith('.md') && statSync(file).isFile() && !anchors(file).has(anchor)) broken.push(`${where}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names no file outside the repository, in any file of it', () => {
    // Built here so that this file does not name it either.
    const outside = ['..', 'shared', ''].join('/');
    const files = repositoryFiles();
    const naming = files.filter((file) => {
      const path = join(root, file);
      if (!existsSync(path) || !statSync(path).isFile() || statSync(path).size > 5_000_000) return false;
      return readFileSync(path).includes(outside);
    });
    expect(naming).toEqual([]);
    const designNotes = pages.filter((page) => readFileSync(page, 'utf8').includes('DESIGN.md')).map((page) => relative(root, page));
    expect(designNotes).toEqual([]);
  });
});

/**
 * The repository's files: git's list in a checkout; in a copy without .git (.ci/run's copy for each other Node
 * is made of that list), every file but the installed and built ones.
 */
function repositoryFiles(): string[] {
  if (existsSync(join(root, '.git'))) return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  const generated = /^(node_modules|dist|reports)(\/|$)/;
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => !generated.test(file));
}
