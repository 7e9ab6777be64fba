import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { execa, type Result } from 'execa';
import { HarnessError, errorMessage } from '../errors.ts';
import { listFiles } from '../evidence/list-files.ts';
import { diffFingerprints, databaseFingerprints, schemaFingerprint, type FingerprintDifference, type Fingerprints } from './fingerprint.ts';
import { harnessSchema } from './key-snapshot.ts';
import { libpqConnection } from './libpq-connection.ts';
import type { PostgresServer } from './postgres-server.ts';
import { newClient } from './pg-session.ts';

export { clientToolsFor, clientToolsForMajor, type ClientTools } from './client-tools.ts';

/** How the dump is written and restored: `backup` in an environment's config. */
export interface BackupSettings {
  /** pg_dump / pg_restore `--jobs`: tables dumped and restored side by side. */
  jobs?: number;
  /** pg_dump `--compress` (gzip level, 0 = none). */
  compress?: number;
}

/**
 * Defaults measured on the Cascade data at 10M source rows (bench/RESULTS.md): gzip level 1 costs
 * about 2 s over no compression and writes a fifth of the bytes; pg_dump's default level 6 made the
 * dump 5–6× slower (the whole phase's bottleneck). Two jobs at least, since even on one core the
 * server's COPY and pg_dump's writing overlap; at most 8, so a big machine does not open dozens of
 * sessions on the drilled server (a dump is as parallel as its largest tables anyway).
 */
export function backupJobs(settings: BackupSettings = {}, cores = availableParallelism()): number {
  return settings.jobs ?? Math.min(8, Math.max(2, cores));
}
export const defaultCompress = 1;

export interface BackupResult {
  /** The dump: a pg_dump directory-format folder (toc.dat, then one file per table's data). */
  path: string;
  /** Its files, relative to `path`, in code-unit order. */
  files: string[];
  bytes: number;
  durationMs: number;
  jobs: number;
  compress: number;
  /** With `schemas`: every table's fingerprint in the very snapshot pg_dump saved. */
  fingerprints?: Fingerprints;
}

export interface RestoreProof {
  /** pg_restore loaded the whole dump without an error. */
  restored: boolean;
  /** Tables fingerprinted in the restored copy. */
  tables: number;
  /** Backup (before) against live (after): a table changed since the backup is listed here. */
  differences: FingerprintDifference[];
  /** Tables, columns, constraints and indexes of the restored copy equal the live ones. */
  schemaMatches: boolean;
  durationMs: number;
  /** pg_restore alone, then the comparison (fingerprints of the restored copy, both schemas). */
  restoreMs: number;
  compareMs: number;
  /** pg_restore's message (redacted) when restored is false. */
  restoreError?: string;
}

/**
 * A real `pg_dump --format=directory --jobs=N` of the database (but the harness's own schema) into
 * the folder `path` (which must not exist yet). A failed dump throws with pg_dump's stderr (redacted) and leaves no partial folder
 * that could later pass for a backup. With `schemas`, the dump is taken from an exported snapshot
 * and those schemas are fingerprinted in the same snapshot, at the same time as the dump runs: a
 * pipeline still writing meanwhile cannot make a good backup look different from what it saved.
 */
export async function takeBackup(options: {
  dsn: string;
  pgDump: string;
  path: string;
  schemas?: readonly string[];
  settings?: BackupSettings;
  signal?: AbortSignal;
  clock?: () => number;
}): Promise<BackupResult> {
  const { dsn, schemas, clock = Date.now } = options;
  const started = clock();
  if (!schemas) return dump(options, started, undefined);
  const holder = newClient({ connectionString: dsn });
  await holder.connect();
  try {
    await holder.query('begin isolation level repeatable read read only');
    const { rows } = await holder.query<{ id: string }>('select pg_export_snapshot() as id');
    const snapshot = rows[0]!.id;
    // Both only read the exported snapshot; side by side they overlap pg_dump's writing with the
    // server's hashing. The dump's failure is the one worth reporting, so it is awaited first.
    const fingerprints = databaseFingerprints(dsn, { schemas, snapshot });
    fingerprints.catch(() => undefined);
    const result = await dump(options, started, snapshot);
    return { ...result, fingerprints: await fingerprints, durationMs: clock() - started };
  } finally {
    await holder.query('rollback').catch(() => undefined);
    await holder.end().catch(() => undefined);
  }
}

async function dump(
  options: { dsn: string; pgDump: string; path: string; settings?: BackupSettings; signal?: AbortSignal; clock?: () => number },
  started: number,
  snapshot: string | undefined,
): Promise<BackupResult> {
  const { dsn, pgDump, path, signal, clock = Date.now } = options;
  const jobs = backupJobs(options.settings);
  const compress = options.settings?.compress ?? defaultCompress;
  const conn = libpqConnection(dsn);
  await mkdir(dirname(path), { recursive: true });
  // The harness's own schema (key snapshots: at 10M source rows a 10M-row table) is not the pipeline's
  // data, and in the backup it would make the emergency in-place restore collide with it ("schema
  // _drill already exists"): left out.
  const args = [
    '--format=directory',
    `--jobs=${jobs}`,
    `--compress=${compress}`,
    `--exclude-schema=${harnessSchema}`,
    '--no-password',
    ...(snapshot ? [`--snapshot=${snapshot}`] : []),
    `--file=${path}`,
    `--dbname=${conn.dbname}`,
  ];
  const result = await execa(pgDump, args, { env: conn.env, reject: false, stdin: 'ignore', ...(signal ? { cancelSignal: signal } : {}) });
  if (result.failed) {
    await rm(path, { recursive: true, force: true });
    throwIfUnrunnable(result, 'pg_dump', pgDump);
    if (result.isCanceled) throw signal?.reason ?? new Error('pg_dump was cancelled');
    throw new Error(conn.redactor.redact(`pg_dump of ${dsn} into ${path} failed with exit ${result.exitCode}: ${result.stderr.trim()}`));
  }
  const files = await listFiles(path);
  let bytes = 0;
  for (const file of files) bytes += (await stat(join(path, file))).size;
  return { path, files, bytes, durationMs: clock() - started, jobs, compress };
}

/**
 * Proves a backup restores: loads it into a scratch database on the server (`pg_restore --jobs`),
 * then compares every table of `schemas` (row counts and hashes) and the schema shape with the live
 * database. A whole restore, indexes and constraints included: a post-data failure (a unique index
 * the saved rows break) is a backup that does not restore. The fingerprints catch what pg_restore
 * cannot: a data file cut at a line end loads without an error, with fewer rows. A dump that does
 * not restore is an answer (`restored: false` with pg_restore's message), not an exception; only a
 * broken setup (no pg_restore, server unreachable) throws. The scratch database is dropped whatever
 * happens.
 */
export async function proveRestore(options: {
  server: PostgresServer;
  pgRestore: string;
  path: string;
  liveDsn: string;
  schemas: readonly string[];
  /** The fingerprints of the snapshot the backup saved: compared instead of the live database, which may have moved on. */
  expected?: Fingerprints;
  settings?: BackupSettings;
  signal?: AbortSignal;
  clock?: () => number;
  /**
   * Given the scratch database's drop once the proof is done, instead of awaiting it: a caller that
   * can await it off its critical path (dropping a restored 3.5 GB database took about 3 s). By
   * default the drop is awaited before proveRestore returns.
   */
  dropLater?: (drop: Promise<void>) => void;
}): Promise<RestoreProof> {
  const { server, pgRestore, path, liveDsn, schemas, expected, signal, clock = Date.now, dropLater } = options;
  const started = clock();
  const scratch = `drill_restore_${randomBytes(5).toString('hex')}`;
  const scratchDsn = await server.createDatabase(scratch);
  try {
    const conn = libpqConnection(scratchDsn);
    conn.redactor.addDsn(liveDsn);
    conn.redactor.addDsn(server.dsn);
    // --exit-on-error: by default pg_restore carries on past a failed statement and a half-restored
    // database could still be compared; the first error is the one worth reporting. With --jobs a
    // worker's error ends the restore too (PostgreSQL 15: "a worker process died unexpectedly"
    // after the worker's own message). --single-transaction cannot combine with --jobs, and is not
    // needed: the scratch database is dropped either way.
    const args = ['--no-owner', '--exit-on-error', `--jobs=${backupJobs(options.settings)}`, '--no-password', `--dbname=${conn.dbname}`, path];
    const result = await execa(pgRestore, args, { env: conn.env, reject: false, stdin: 'ignore', ...(signal ? { cancelSignal: signal } : {}) });
    const restoreMs = clock() - started;
    if (result.failed) {
      throwIfUnrunnable(result, 'pg_restore', pgRestore);
      if (result.isCanceled) throw signal?.reason ?? new Error('pg_restore was cancelled');
      const message = result.stderr.trim() || `exit ${result.exitCode}`;
      return {
        restored: false,
        tables: 0,
        differences: [],
        schemaMatches: false,
        durationMs: clock() - started,
        restoreMs,
        compareMs: 0,
        restoreError: conn.redactor.redact(message),
      };
    }
    const [restored, live, restoredSchema, liveSchema] = await Promise.all([
      databaseFingerprints(scratchDsn, { schemas }),
      expected ?? databaseFingerprints(liveDsn, { schemas }),
      schemaFingerprint(scratchDsn, { schemas }),
      schemaFingerprint(liveDsn, { schemas }),
    ]).catch((error: unknown) => {
      throw new Error(conn.redactor.redact(`comparing the restored copy of ${path} with the live database failed: ${errorMessage(error)}`));
    });
    const durationMs = clock() - started;
    return {
      restored: true,
      tables: Object.keys(restored).length,
      differences: diffFingerprints(restored, live),
      schemaMatches: restoredSchema.hash === liveSchema.hash,
      durationMs,
      restoreMs,
      compareMs: durationMs - restoreMs,
    };
  } finally {
    const drop = server.dropDatabase(scratch);
    if (dropLater) {
      drop.catch(() => undefined); // reported by whoever awaits it
      dropLater(drop);
    } else await drop;
  }
}

/** A tool that could not even start (missing, not executable) is a setup problem, not a bad backup. */
function throwIfUnrunnable(result: Result, tool: string, path: string): void {
  if (result.exitCode === undefined && !result.isCanceled && !result.timedOut) {
    throw new HarnessError(`${tool} could not be run from ${path}: ${result.originalMessage ?? result.shortMessage}`);
  }
}
