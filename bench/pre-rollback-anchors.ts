import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import type { ClientTools } from '../src/database/client-tools.ts';
import type { EphemeralPostgres } from '../src/database/ephemeral-postgres.ts';
import { harnessSchema } from '../src/database/key-snapshot.ts';
import { libpqConnection } from '../src/database/libpq-connection.ts';

/** One bare dump and restore: the tools alone, no snapshot, no fingerprints, nothing compared. */
export interface BareRound {
  dumpMs: number;
  /** CREATE DATABASE of the scratch copy + pg_restore into it (proveRestore does both, timed). */
  restoreMs: number;
  bytes: number;
}

/**
 * The anchors of the pre-rollback figures, with the tools alone on the same database and the same
 * content as the drill's backup (the harness's `_drill` schema left out):
 *  - before: what the drill ran until now, `pg_dump --format=custom` (pg_dump's default gzip level)
 *    and a serial `pg_restore`;
 *  - floor: `pg_dump --format=directory --jobs=2 --compress=0` and `pg_restore --jobs=2`, the
 *    fastest pair measured on these 2 cores (DESIGN §11).
 */
export async function bareRound(server: EphemeralPostgres, dsn: string, tools: ClientTools, kind: 'before' | 'floor'): Promise<BareRound> {
  const work = await mkdtemp(join(tmpdir(), 'bench-dump-'));
  const path = join(work, 'dump');
  const conn = libpqConnection(dsn);
  const format = kind === 'before' ? ['--format=custom'] : ['--format=directory', '--jobs=2', '--compress=0'];
  try {
    let started = performance.now();
    await execa(tools.pgDump, [...format, `--exclude-schema=${harnessSchema}`, '--no-password', `--file=${path}`, `--dbname=${conn.dbname}`], { env: conn.env, stdin: 'ignore' });
    const dumpMs = performance.now() - started;
    const bytes = Number((await execa('du', ['-sb', path])).stdout.split('\t')[0]);
    const scratch = `bench_restore_${randomBytes(4).toString('hex')}`;
    started = performance.now();
    const scratchDsn = await server.createDatabase(scratch);
    try {
      const target = libpqConnection(scratchDsn);
      const jobs = kind === 'before' ? [] : ['--jobs=2'];
      await execa(tools.pgRestore, ['--no-owner', '--exit-on-error', ...jobs, '--no-password', `--dbname=${target.dbname}`, path], { env: target.env, stdin: 'ignore' });
      return { dumpMs, restoreMs: performance.now() - started, bytes };
    } finally {
      await server.dropDatabase(scratch);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The table fingerprints as they were computed until now (md5 of each row's text, two 64-bit slices
 * summed: a frozen copy of fingerprint.ts before the typed hash), over every table of `schemas`, in
 * one repeatable-read snapshot on one session, as databaseFingerprints ran them. Returns the time.
 */
export async function md5Fingerprints(dsn: string, schemas: readonly string[]): Promise<number> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  const started = performance.now();
  await client.connect();
  try {
    await client.query(`set timezone = 'UTC'`);
    await client.query('begin isolation level repeatable read read only');
    const { rows: tables } = await client.query<{ name: string }>(
      `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and not c.relispartition and n.nspname = any($1::text[]) order by 1`,
      [schemas],
    );
    for (const { name } of tables) {
      await client.query(`
        select count(*)::bigint::text as rows,
               md5(count(*)::text || ':' || coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text
                                   || ':' || coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text) as hash
          from (select md5(r::text) as h from ${name} as r) as hashed`);
    }
    await client.query('rollback');
    return performance.now() - started;
  } finally {
    await client.end().catch(() => undefined);
  }
}
