/**
 * Copies a test's evidence into allure-results as attachments. Evidence is already redacted when
 * written (Evidence.write), and binary files such as pg_dump archives cannot be, so files are
 * copied as they are.
 */
import { copyFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { TestRecord } from '../journal/journal-types.ts';
import type { AllureAttachment } from './allure-model.ts';
import { extensionOf, mimeTypeOf } from './mime-type.ts';

export interface CopiedEvidence {
  /** Evidence no check points at, attached to the test itself. */
  attachments: AllureAttachment[];
  /** Evidence a check's value came from, attached to that check's step. */
  byCheck: Map<string, AllureAttachment[]>;
  /** Evidence that exists but was not copied, with the reason, for the description. */
  notAttached: string[];
  copied: string[];
}

export interface CopyContext {
  runDir: string;
  dir: string;
  maxBytes: number;
  uuid: () => string;
}

// Allure 3 lets each attachment file be referenced once: a second reference to the same source
// shows as "missing". So a file a check points at is attached to that check's step only, and a
// file two checks share is copied once per check.
export async function copyEvidence(test: TestRecord, ctx: CopyContext): Promise<CopiedEvidence> {
  const out: CopiedEvidence = { attachments: [], byCheck: new Map(), notAttached: [], copied: [] };
  const fromChecks = new Set(test.checks.map((c) => c.evidence).filter((e): e is string => e !== undefined));
  const attach = async (rel: string): Promise<AllureAttachment[]> => {
    const copied = await copyOne(rel, ctx);
    if (typeof copied === 'string') out.notAttached.push(copied);
    if (typeof copied !== 'object') return [];
    out.copied.push(join(ctx.dir, copied.source));
    return [copied];
  };
  for (const rel of test.evidence) if (!fromChecks.has(rel)) out.attachments.push(...(await attach(rel)));
  for (const check of test.checks) if (check.evidence) out.byCheck.set(check.id, await attach(check.evidence));
  return out;
}

/** The attachment, a reason it was left out, or undefined for a file that was never written. */
async function copyOne(rel: string, ctx: CopyContext): Promise<AllureAttachment | string | undefined> {
  const from = resolve(ctx.runDir, rel);
  const inside = relative(resolve(ctx.runDir), from);
  // Evidence paths are relative to the run folder by contract; anything else is not ours to copy.
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return `${rel} (outside the run folder)`;
  const info = await stat(from).catch(() => undefined);
  if (!info?.isFile()) return undefined; // listed, but the step failed before writing it
  if (info.size > ctx.maxBytes) return `${rel} (${info.size} bytes, above the ${ctx.maxBytes}-byte attachment limit; kept in the run folder)`;
  const ext = extensionOf(rel);
  // Allure 3 recognises attachment files by the `-attachment` suffix; each gets its own uuid, as in allure-js.
  const source = `${ctx.uuid()}-attachment${ext ? `.${ext}` : ''}`;
  await copyFile(from, join(ctx.dir, source));
  return { name: rel, type: mimeTypeOf(rel), source };
}
