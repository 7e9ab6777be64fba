import { join } from 'node:path';
import { clientToolsFor, proveRestore, takeBackup, type RestoreProof } from '../../database/backup.ts';
import type { StepContext } from '../../runner/runner.ts';
import { need, type DrillWorld, type TestState } from '../../runner/world.ts';

/**
 * pg_dump (custom format) of the test's database into `<test>/<name>`, tracked as evidence and
 * recorded, with the fingerprints of the snapshot it saved (V2 may still be writing meanwhile).
 */
export async function dumpToEvidence(world: DrillWorld, state: TestState, ctx: StepContext, name: string) {
  const tools = await clientToolsFor(world.server.dsn, world.processEnv);
  const file = join(await state.evidence.folder('.'), name);
  const dsn = need(state.databaseUrl, 'the drill database');
  const result = await takeBackup({ dsn, pgDump: tools.pgDump, file, schemas: world.env.verification.schemas, signal: ctx.signal });
  state.evidence.track(file);
  ctx.record('evidence', state.evidence.relative(file));
  ctx.record('bytes', result.bytes);
  return { file, bytes: result.bytes, tools, ...(result.fingerprints ? { fingerprints: result.fingerprints } : {}) };
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
): Promise<{ proof: RestoreProof; evidence: string }> {
  const backup = need(state.facts.backup, 'the pre-rollback backup');
  const expected = against === 'snapshot' ? backup.fingerprints : undefined;
  const proof = await proveRestore({
    ...(expected ? { expected } : {}),
    server: world.server,
    pgRestore: backup.pgRestore,
    file: backup.file,
    liveDsn: need(state.databaseUrl, 'the drill database'),
    schemas: world.env.verification.schemas,
    signal: ctx.signal,
  });
  const evidence = await state.evidence.write(evidenceName, JSON.stringify(proof, null, 2));
  ctx.record('tables', proof.tables);
  ctx.record('evidence', evidence);
  return { proof, evidence };
}
