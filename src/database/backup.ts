import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa, type Result } from 'execa';
import { HarnessError, errorMessage } from '../errors.ts';
import { diffFingerprints, databaseFingerprints, schemaFingerprint, type FingerprintDifference, type Fingerprints } from './fingerprint.ts';
import { libpqConnection } from './libpq-connection.ts';
import type { PostgresServer } from './postgres-server.ts';
import { newClient } from './pg-session.ts';

export { clientToolsFor, clientToolsForMajor, type ClientTools } from './client-tools.ts';

export interface BackupResult {
  file: string;
  bytes: number;
  durationMs: number;
  /** With `schemas`: every table's fingerprint in the very snapshot pg_dump saved. */
  fingerprints?: Fingerprints;
}

export interface RestoreProof {
  /** pg_restore loaded the whole file without an error. */
  restored: boolean;
  /** Tables fingerprinted in the restored copy. */
  tables: number;
  /** Backup (before) against live (after): a table changed since the backup is listed here. */
  differences: FingerprintDifference[];
  /** Tables, columns, constraints and indexes of the restored copy equal the live ones. */
  schemaMatches: boolean;
  durationMs: number;
  /** pg_restore's message (redacted) when restored is false. */
  restoreError?: string;
}

/**
 * A real `pg_dump --format=custom` of the database. A failed dump throws with pg_dump's stderr
 * (redacted) and leaves no partial file that could later pass for a backup. With `schemas`, the
 * dump is taken from an exported snapshot and those schemas are fingerprinted in the same snapshot:
 * a pipeline still writing meanwhile cannot make a good backup look different from what it saved.
 */
export async function takeBackup(options: {
  dsn: string;
  pgDump: string;
  file: string;
  schemas?: readonly string[];
  signal?: AbortSignal;
  clock?: () => number;
}): Promise<BackupResult> {
  const { dsn, schemas, clock = Date.now } = options;
  if (!schemas) return dump(options, clock(), []);
  const holder = newClient({ connectionString: dsn });
  await holder.connect();
  try {
    await holder.query('begin isolation level repeatable read read only');
    const { rows } = await holder.query<{ id: string }>('select pg_export_snapshot() as id');
    const snapshot = rows[0]!.id;
    const result = await dump(options, clock(), [`--snapshot=${snapshot}`]);
    return { ...result, fingerprints: await databaseFingerprints(dsn, { schemas, snapshot }) };
  } finally {
    await holder.query('rollback').catch(() => undefined);
    await holder.end().catch(() => undefined);
  }
}

async function dump(options: { dsn: string; pgDump: string; file: string; signal?: AbortSignal; clock?: () => number }, started: number, extra: string[]): Promise<BackupResult> {
  const { dsn, pgDump, file, signal, clock = Date.now } = options;
  const conn = libpqConnection(dsn);
  await mkdir(dirname(file), { recursive: true });
  const result = await execa(pgDump, ['--format=custom', '--no-password', ...extra, `--file=${file}`, `--dbname=${conn.dbname}`], {
    env: conn.env,
    reject: false,
    stdin: 'ignore',
    ...(signal ? { cancelSignal: signal } : {}),
  });
  if (result.failed) {
    await rm(file, { force: true });
    throwIfUnrunnable(result, 'pg_dump', pgDump);
    if (result.isCanceled) throw signal?.reason ?? new Error('pg_dump was cancelled');
    throw new Error(conn.redactor.redact(`pg_dump of ${dsn} into ${file} failed with exit ${result.exitCode}: ${result.stderr.trim()}`));
  }
  return { file, bytes: (await stat(file)).size, durationMs: clock() - started };
}

/**
 * Proves a backup restores: loads it into a scratch database on the server, then compares every
 * table of `schemas` (row counts and hashes) and the schema shape with the live database. A file
 * that does not restore is an answer (`restored: false` with pg_restore's message), not an
 * exception; only a broken setup (no pg_restore, server unreachable) throws. The scratch
 * database is dropped whatever happens.
 */
export async function proveRestore(options: {
  server: PostgresServer;
  pgRestore: string;
  file: string;
  liveDsn: string;
  schemas: readonly string[];
  /** The fingerprints of the snapshot the backup saved: compared instead of the live database, which may have moved on. */
  expected?: Fingerprints;
  signal?: AbortSignal;
  clock?: () => number;
}): Promise<RestoreProof> {
  const { server, pgRestore, file, liveDsn, schemas, expected, signal, clock = Date.now } = options;
  const started = clock();
  const scratch = `drill_restore_${randomBytes(5).toString('hex')}`;
  const scratchDsn = await server.createDatabase(scratch);
  try {
    const conn = libpqConnection(scratchDsn);
    conn.redactor.addDsn(liveDsn);
    conn.redactor.addDsn(server.dsn);
    // --exit-on-error: by default pg_restore carries on past a failed statement and a half-restored
    // database could still be compared; the first error is the one worth reporting.
    const result = await execa(pgRestore, ['--no-owner', '--exit-on-error', '--no-password', `--dbname=${conn.dbname}`, file], {
      env: conn.env,
      reject: false,
      stdin: 'ignore',
      ...(signal ? { cancelSignal: signal } : {}),
    });
    if (result.failed) {
      throwIfUnrunnable(result, 'pg_restore', pgRestore);
      if (result.isCanceled) throw signal?.reason ?? new Error('pg_restore was cancelled');
      const message = result.stderr.trim() || `exit ${result.exitCode}`;
      return { restored: false, tables: 0, differences: [], schemaMatches: false, durationMs: clock() - started, restoreError: conn.redactor.redact(message) };
    }
    const [restored, live, restoredSchema, liveSchema] = await Promise.all([
      databaseFingerprints(scratchDsn, { schemas }),
      expected ?? databaseFingerprints(liveDsn, { schemas }),
      schemaFingerprint(scratchDsn, { schemas }),
      schemaFingerprint(liveDsn, { schemas }),
    ]).catch((error: unknown) => {
      throw new Error(conn.redactor.redact(`comparing the restored copy of ${file} with the live database failed: ${errorMessage(error)}`));
    });
    return {
      restored: true,
      tables: Object.keys(restored).length,
      differences: diffFingerprints(restored, live),
      schemaMatches: restoredSchema.hash === liveSchema.hash,
      durationMs: clock() - started,
    };
  } finally {
    await server.dropDatabase(scratch);
  }
}

/** A tool that could not even start (missing, not executable) is a setup problem, not a bad backup. */
function throwIfUnrunnable(result: Result, tool: string, path: string): void {
  if (result.exitCode === undefined && !result.isCanceled && !result.timedOut) {
    throw new HarnessError(`${tool} could not be run from ${path}: ${result.originalMessage ?? result.shortMessage}`);
  }
}
