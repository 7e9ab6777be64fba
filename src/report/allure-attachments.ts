/**
 * Which of a test's evidence files become Allure attachments, and where. Evidence is already
 * redacted when written (Evidence.write), and binary files such as pg_dump archives cannot be, so
 * the writers attach files as they are. Nothing is copied here: each writer copies (or reads) the
 * file itself, once per reference.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { TestRecord } from '../journal/journal-types.ts';
import { extensionOf, mimeTypeOf } from './mime-type.ts';

export interface EvidenceAttachment {
  /** The path relative to the run folder, as the journal names it. */
  name: string;
  /** The file itself. */
  path: string;
  /** MIME type: decides whether the report previews the file or offers it for download. */
  contentType: string;
  /** Without the dot; empty when the file has none. */
  fileExtension: string;
}

export interface SelectedEvidence {
  /** Evidence no check points at, attached to the test itself. */
  attachments: EvidenceAttachment[];
  /** Evidence a check's value came from, attached to that check's step. */
  byCheck: Map<string, EvidenceAttachment[]>;
  /** Evidence that exists but is not attached, with the reason, for the description. */
  notAttached: string[];
}

// Allure 3 lets each attachment file be referenced once (a second reference to the same source
// shows as "missing"), so a file a check points at is attached to that check's step only; the
// writers write one attachment file per reference, so two checks that share a file each get one.
export async function selectEvidence(test: TestRecord, runDir: string, maxBytes: number): Promise<SelectedEvidence> {
  const out: SelectedEvidence = { attachments: [], byCheck: new Map(), notAttached: [] };
  const fromChecks = new Set(test.checks.map((c) => c.evidence).filter((e): e is string => e !== undefined));
  const attach = async (rel: string): Promise<EvidenceAttachment[]> => {
    const found = await evidenceFile(rel, runDir, maxBytes);
    if (typeof found === 'string') out.notAttached.push(found);
    return typeof found === 'object' ? [found] : [];
  };
  for (const rel of test.evidence) if (!fromChecks.has(rel)) out.attachments.push(...(await attach(rel)));
  for (const check of test.checks) if (check.evidence) out.byCheck.set(check.id, await attach(check.evidence));
  return out;
}

/** The attachment, a reason it is left out, or undefined for a file that was never written. */
async function evidenceFile(rel: string, runDir: string, maxBytes: number): Promise<EvidenceAttachment | string | undefined> {
  const path = resolve(runDir, rel);
  const inside = relative(resolve(runDir), path);
  // Evidence paths are relative to the run folder by contract; anything else is not ours to attach.
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return `${rel} (outside the run folder)`;
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined; // listed, but the step failed before writing it
  if (info.size > maxBytes) return `${rel} (${info.size} bytes, above the ${maxBytes}-byte attachment limit; kept in the run folder)`;
  return { name: rel, path, contentType: mimeTypeOf(rel), fileExtension: extensionOf(rel) };
}
