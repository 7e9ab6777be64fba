import { join } from 'node:path';
import { clientToolsFor, proveRestore, takeBackup, type RestoreProof } from '../../database/backup.ts';
import type { StepContext } from '../../runner/runner.ts';
import { need, type DrillWorld, type TestState } from '../../runner/world.ts';

/**
 * pg_dump (directory format, parallel) of the test's database into the folder `<test>/<name>`, each
 * of its files tracked as evidence (so each is listed with its size and sha256, and sealed), with
 * the fingerprints of the snapshot it saved (V2 may still be writing meanwhile).
 */
export async function dumpToEvidence(world: DrillWorld, state: TestState, ctx: StepContext, name: string) {
  const tools = await clientToolsFor(world.server.dsn, world.processEnv);
  const path = join(await state.evidence.folder('.'), name);
  const dsn = need(state.databaseUrl, 'the drill database');
  const result = await takeBackup({ dsn, pgDump: tools.pgDump, path, schemas: world.env.verification.schemas, settings: world.env.backup, signal: ctx.signal });
  for (const file of result.files) state.evidence.track(join(path, file));
  ctx.record('evidence', state.evidence.relative(path));
  ctx.record('bytes', result.bytes);
  ctx.record('files', result.files.length);
  ctx.record('jobs', result.jobs);
  ctx.record('compress', result.compress);
  return { path, bytes: result.bytes, tools, ...(result.fingerprints ? { fingerprints: result.fingerprints } : {}) };
}

/**
 * Restores the pre-rollback backup into a scratch database and compares it, table by table, with
 * `against`: the snapshot the backup saved (does the backup restore what it saved?) or the test's
 * database as it is now (after an in-place restore: is the database what the backup saved?).
 */
export async function proveAgainstBackup(
  world: DrillWorld,
  state: TestState,
  ctx: StepContext,
  evidenceName: string,
  against: 'snapshot' | 'live',
  options: { dropLater?: (drop: Promise<void>) => void } = {},
): Promise<{ proof: RestoreProof; evidence: string }> {
  const backup = need(state.facts.backup, 'the pre-rollback backup');
  const expected = against === 'snapshot' ? backup.fingerprints : undefined;
  const proof = await proveRestore({
    ...(expected ? { expected } : {}),
    server: world.server,
    pgRestore: backup.pgRestore,
    path: backup.path,
    settings: world.env.backup,
    liveDsn: need(state.databaseUrl, 'the drill database'),
    schemas: world.env.verification.schemas,
    signal: ctx.signal,
    ...options,
  });
  const evidence = await state.evidence.write(evidenceName, JSON.stringify(proof, null, 2));
  ctx.record('tables', proof.tables);
  ctx.record('restoreMs', Math.round(proof.restoreMs));
  ctx.record('compareMs', Math.round(proof.compareMs));
  ctx.record('evidence', evidence);
  return { proof, evidence };
}
