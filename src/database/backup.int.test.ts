import { chmod, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToolsFor, proveRestore, takeBackup, type ClientTools } from './backup.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from './ephemeral-postgres.ts';
import { sql } from './sql.test-support.ts';

let server: EphemeralPostgres;
let tools: ClientTools;
let dir: string;
let live: string;
const schemas = ['public', 'kpi'];

async function scratchDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: server.dsn });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like 'drill_restore_%'`);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

/** Messages must not carry the password in any form it could be printed in. */
function expectNoPassword(text: string | undefined): void {
  expect(text).toBeDefined();
  expect(text).not.toContain(server.password);
  expect(text).not.toContain(encodeURIComponent(server.password));
}

beforeAll(async () => {
  server = await startEphemeralPostgres();
  dir = await mkdtemp(join(tmpdir(), 'drill-backup-'));
  tools = await clientToolsFor(server.dsn);
  live = await server.createDatabase('backup_live');
  await sql(
    live,
    `create schema kpi`,
    `create table public.loans (id bigint primary key, segment text not null, principal numeric(12,2) check (principal >= 0),
                                disbursed_at timestamptz not null default now())`,
    `create table public.payments (id bigserial primary key, loan_id bigint not null references public.loans, amount numeric(12,2), paid_on date)`,
    `create index payments_loan on public.payments (loan_id)`,
    `create table kpi.kpi_metrics (as_of date, kpi text, segment text, value numeric, primary key (as_of, kpi, segment))`,
    `insert into public.loans select i, 's' || (i % 5), (i * 13) % 50000, timestamptz '2024-01-01Z' + i * interval '1 hour' from generate_series(1, 2000) i`,
    `insert into public.payments (loan_id, amount, paid_on) select 1 + i % 2000, (i % 900) + 0.25, date '2024-02-01' + i % 90 from generate_series(1, 4000) i`,
    `insert into kpi.kpi_metrics select date '2024-01-01' + d, k, 's' || s, d * s / 3.0 from generate_series(0, 59) d, unnest(array['par30','collections']) k, generate_series(0, 4) s`,
    // The harness's own key snapshot, as a drill leaves it before the backup.
    `create schema _drill`,
    `create unlogged table _drill.v2_run_keys as select 'loans:' || i as key from generate_series(1, 2000) i`,
  );
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('clientToolsFor', () => {
  it('finds pg_dump and pg_restore of the server major', async () => {
    expect(tools.major).toBe(server.binaries.major);
    expect(tools.pgDump).toMatch(/\/pg_dump$/);
    expect(tools.pgRestore).toMatch(/\/pg_restore$/);
  });
});

/** The largest data file of a directory-format dump: public.payments' rows here. */
async function largestDataFile(path: string): Promise<string> {
  const sizes = await Promise.all((await readdir(path)).filter((f) => f !== 'toc.dat').map(async (f) => ({ f, size: (await stat(join(path, f))).size })));
  return join(path, sizes.sort((a, b) => b.size - a.size)[0]!.f);
}

describe('takeBackup → proveRestore', () => {
  it('restores a real directory-format dump, taken and restored with parallel jobs, with identical fingerprints and schema, and drops the scratch database', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'nested', 'live') });
    expect(backup).toMatchObject({ compress: 1, jobs: expect.any(Number) });
    expect(backup.jobs).toBeGreaterThanOrEqual(2);
    expect(backup.files).toContain('toc.dat');
    expect(backup.files.filter((f) => f.endsWith('.dat.gz')).length).toBe(3); // one per table's data, compressed
    const sizes = await Promise.all(backup.files.map(async (f) => (await stat(join(backup.path, f))).size));
    expect(backup.bytes).toBe(sizes.reduce((a, b) => a + b, 0));
    expect((await readFile(join(backup.path, 'toc.dat'))).subarray(0, 5).toString()).toBe('PGDMP');
    // The pipeline's data, not the harness's own key snapshots (an in-place restore would collide with them).
    const contents = (await execa(tools.pgRestore, ['--list', backup.path])).stdout;
    expect(contents).toContain('TABLE DATA public payments');
    expect(contents).not.toContain('_drill');

    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas });
    expect(proof).toMatchObject({ restored: true, tables: 3, differences: [], schemaMatches: true });
    expect(proof.restoreMs + proof.compareMs).toBe(proof.durationMs);
    expect(proof.restoreError).toBeUndefined();
    expect(await scratchDatabases()).toEqual([]);
  });

  it('hands the drop of the scratch database to a caller that awaits it later (dropLater), and the drop then happens', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'drop-later') });
    const drops: Array<Promise<void>> = [];
    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas, dropLater: (drop) => void drops.push(drop) });
    expect(proof).toMatchObject({ restored: true, differences: [], schemaMatches: true });
    expect(drops).toHaveLength(1);
    await drops[0];
    expect(await scratchDatabases()).toEqual([]);
  });

  it("reports a dump whose table of contents is truncated as not restored, with pg_restore's message", async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'truncated-toc') });
    const toc = join(backup.path, 'toc.dat');
    await truncate(toc, Math.floor((await stat(toc)).size / 2));

    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas });
    expect(proof).toMatchObject({ restored: false, tables: 0, differences: [] });
    expect(proof.restoreError).toMatch(/pg_restore: error: /);
    expectNoPassword(proof.restoreError);
    expect(await scratchDatabases()).toEqual([]);
  });

  it('reports a missing data file (parallel restore: the worker’s error ends it) as not restored, naming the file', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'missing-data') });
    const data = await largestDataFile(backup.path);
    await rm(data);
    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas });
    expect(proof).toMatchObject({ restored: false, tables: 0 });
    // pg_restore names the file without .gz (it looks for both).
    expect(proof.restoreError).toContain(`could not open input file "${data.replace(/\.gz$/, '')}": No such file or directory`);
    expect(proof.restoreError).toContain('a worker process died unexpectedly');
    expect(await scratchDatabases()).toEqual([]);
  });

  it('reports a data file cut in the middle of a row as not restored (COPY fails)', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'cut-mid-row'), settings: { compress: 0 } });
    const data = await largestDataFile(backup.path);
    const text = await readFile(data, 'utf8');
    await writeFile(data, text.slice(0, text.indexOf('\t', text.length / 2) + 1));
    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas });
    expect(proof.restored).toBe(false);
    expect(proof.restoreError).toMatch(/COPY failed for table "payments"/);
  });

  it('names the table whose data file was cut at a line end: pg_restore loads it without an error, the fingerprints do not let it pass', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'cut-at-line'), schemas, settings: { compress: 0 } });
    const data = await largestDataFile(backup.path);
    const lines = (await readFile(data, 'utf8')).split('\n');
    await writeFile(data, `${lines.slice(0, 100).join('\n')}\n`);
    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas, expected: backup.fingerprints! });
    expect(proof).toMatchObject({ restored: true, schemaMatches: true });
    expect(proof.differences).toEqual([{ table: 'public.payments', change: 'changed', rowsBefore: 100, rowsAfter: 4000 }]);
  });

  it('does not let a compressed data file cut in half pass either', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'cut-gzip'), schemas });
    const data = await largestDataFile(backup.path);
    expect(data).toMatch(/\.dat\.gz$/);
    await truncate(data, Math.floor((await stat(data)).size / 2));
    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas, expected: backup.fingerprints! });
    // zlib notices the stream ends early when pg_restore closes the file (PostgreSQL 15 words it oddly).
    expect(proof).toMatchObject({ restored: false, tables: 0 });
    expect(proof.restoreError).toMatch(/^pg_restore: error: could not close data file ".*\.dat": /);
  });

  it('names the table a row changed in after the backup', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'before-change') });
    await sql(live, 'update public.payments set amount = amount + 1 where id = 777');
    try {
      const proof = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas });
      expect(proof.restored).toBe(true);
      expect(proof.schemaMatches).toBe(true);
      expect(proof.differences).toEqual([{ table: 'public.payments', change: 'changed', rowsBefore: 4000, rowsAfter: 4000 }]);
    } finally {
      await sql(live, 'update public.payments set amount = amount - 1 where id = 777');
    }
  });

  it('with schemas, fingerprints the snapshot pg_dump saved: a write after the backup does not make a good backup look bad', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'snapshot'), schemas });
    expect(Object.keys(backup.fingerprints ?? {})).toEqual(expect.arrayContaining(['public.payments']));
    await sql(live, 'update public.payments set amount = amount + 1 where id = 777'); // the pipeline still writing
    try {
      const againstSnapshot = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas, expected: backup.fingerprints! });
      expect(againstSnapshot).toMatchObject({ restored: true, schemaMatches: true, differences: [] });
      const againstLive = await proveRestore({ server, pgRestore: tools.pgRestore, path: backup.path, liveDsn: live, schemas });
      expect(againstLive.differences.map((d) => d.table)).toEqual(['public.payments']);
    } finally {
      await sql(live, 'update public.payments set amount = amount - 1 where id = 777');
    }
  });

  it('passes the password only through the environment, never on the command line, and the configured jobs and compression to pg_dump', async () => {
    const argvLog = join(dir, 'argv.log');
    const wrapper = join(dir, 'pg_dump_wrapper');
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvLog}'\n[ -n "$PGPASSWORD" ] && echo has-pgpassword >> '${argvLog}'\nexec '${tools.pgDump}' "$@"\n`);
    await chmod(wrapper, 0o755);
    const backup = await takeBackup({ dsn: live, pgDump: wrapper, path: join(dir, 'wrapped'), settings: { jobs: 3, compress: 0 } });
    const argv = (await readFile(argvLog, 'utf8')).split('\n');
    expect(argv).toEqual(expect.arrayContaining(['--format=directory', '--jobs=3', '--compress=0', 'has-pgpassword']));
    expect(argv.join('\n')).toMatch(/--dbname=postgres:\/\/drill@127\.0\.0\.1:\d+\/backup_live/);
    expectNoPassword(argv.join('\n'));
    expect(backup).toMatchObject({ jobs: 3, compress: 0 });
    expect(backup.files.filter((f) => /^\d+\.dat$/.test(f)).length).toBe(3);
  });
});

describe('failures', () => {
  it('a failing pg_dump throws its stderr, redacted, and leaves no partial folder', async () => {
    const path = join(dir, 'missing-db');
    const error = await takeBackup({ dsn: live.replace('/backup_live', '/no_such_db'), pgDump: tools.pgDump, path }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^pg_dump of postgres:\/\/drill:\*\*\*@127\.0\.0\.1:\d+\/no_such_db into .* failed with exit 1: .*database "no_such_db" does not exist/s,
    );
    expectNoPassword((error as Error).message);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  it('a tool that prints the password has it masked', async () => {
    const leaky = join(dir, 'leaky_pg_dump');
    await writeFile(leaky, '#!/bin/sh\necho "could not connect with password $PGPASSWORD" >&2\nexit 1\n');
    await chmod(leaky, 0o755);
    const error = await takeBackup({ dsn: live, pgDump: leaky, path: join(dir, 'leaky') }).catch((e: Error) => e);
    expect((error as Error).message).toContain('could not connect with password ***');
    expectNoPassword((error as Error).message);
  });

  it('a missing pg_restore is a harness error, and the scratch database is still dropped', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, path: join(dir, 'for-missing-tool') });
    const attempt = proveRestore({ server, pgRestore: join(dir, 'no-such-pg_restore'), path: backup.path, liveDsn: live, schemas });
    await expect(attempt).rejects.toMatchObject({ name: 'HarnessError', message: expect.stringMatching(/^pg_restore could not be run from .*no-such-pg_restore: .*ENOENT/) });
    expect(await scratchDatabases()).toEqual([]);
  });
});
