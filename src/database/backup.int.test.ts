import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('takeBackup → proveRestore', () => {
  it('restores a real custom-format dump with identical fingerprints and schema, and drops the scratch database', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, file: join(dir, 'nested', 'live.dump') });
    expect(backup.bytes).toBeGreaterThan(10_000);
    expect((await readFile(backup.file)).subarray(0, 5).toString()).toBe('PGDMP');

    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, file: backup.file, liveDsn: live, schemas });
    expect(proof).toMatchObject({ restored: true, tables: 3, differences: [], schemaMatches: true });
    expect(proof.restoreError).toBeUndefined();
    expect(await scratchDatabases()).toEqual([]);
  });

  it("reports a truncated backup as not restored, with pg_restore's message", async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, file: join(dir, 'full.dump') });
    const truncated = join(dir, 'truncated.dump');
    await writeFile(truncated, (await readFile(backup.file)).subarray(0, Math.floor(backup.bytes / 2)));

    const proof = await proveRestore({ server, pgRestore: tools.pgRestore, file: truncated, liveDsn: live, schemas });
    expect(proof).toMatchObject({ restored: false, tables: 0, differences: [] });
    expect(proof.restoreError).toMatch(/pg_restore: error: /);
    expectNoPassword(proof.restoreError);
    expect(await scratchDatabases()).toEqual([]);
  });

  it('names the table a row changed in after the backup', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, file: join(dir, 'before-change.dump') });
    await sql(live, 'update public.payments set amount = amount + 1 where id = 777');
    try {
      const proof = await proveRestore({ server, pgRestore: tools.pgRestore, file: backup.file, liveDsn: live, schemas });
      expect(proof.restored).toBe(true);
      expect(proof.schemaMatches).toBe(true);
      expect(proof.differences).toEqual([{ table: 'public.payments', change: 'changed', rowsBefore: 4000, rowsAfter: 4000 }]);
    } finally {
      await sql(live, 'update public.payments set amount = amount - 1 where id = 777');
    }
  });

  it('with schemas, fingerprints the snapshot pg_dump saved: a write after the backup does not make a good backup look bad', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, file: join(dir, 'snapshot.dump'), schemas });
    expect(Object.keys(backup.fingerprints ?? {})).toEqual(expect.arrayContaining(['public.payments']));
    await sql(live, 'update public.payments set amount = amount + 1 where id = 777'); // the pipeline still writing
    try {
      const againstSnapshot = await proveRestore({ server, pgRestore: tools.pgRestore, file: backup.file, liveDsn: live, schemas, expected: backup.fingerprints! });
      expect(againstSnapshot).toMatchObject({ restored: true, schemaMatches: true, differences: [] });
      const againstLive = await proveRestore({ server, pgRestore: tools.pgRestore, file: backup.file, liveDsn: live, schemas });
      expect(againstLive.differences.map((d) => d.table)).toEqual(['public.payments']);
    } finally {
      await sql(live, 'update public.payments set amount = amount - 1 where id = 777');
    }
  });

  it('passes the password only through the environment, never on the command line', async () => {
    const argvLog = join(dir, 'argv.log');
    const wrapper = join(dir, 'pg_dump_wrapper');
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvLog}'\n[ -n "$PGPASSWORD" ] && echo has-pgpassword >> '${argvLog}'\nexec '${tools.pgDump}' "$@"\n`);
    await chmod(wrapper, 0o755);
    await takeBackup({ dsn: live, pgDump: wrapper, file: join(dir, 'wrapped.dump') });
    const argv = await readFile(argvLog, 'utf8');
    expect(argv).toContain('--format=custom');
    expect(argv).toMatch(/--dbname=postgres:\/\/drill@127\.0\.0\.1:\d+\/backup_live/);
    expect(argv).toContain('has-pgpassword');
    expectNoPassword(argv);
  });
});

describe('failures', () => {
  it('a failing pg_dump throws its stderr, redacted, and leaves no partial file', async () => {
    const file = join(dir, 'missing-db.dump');
    const error = await takeBackup({ dsn: live.replace('/backup_live', '/no_such_db'), pgDump: tools.pgDump, file }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^pg_dump of postgres:\/\/drill:\*\*\*@127\.0\.0\.1:\d+\/no_such_db into .* failed with exit 1: .*database "no_such_db" does not exist/s,
    );
    expectNoPassword((error as Error).message);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('a tool that prints the password has it masked', async () => {
    const leaky = join(dir, 'leaky_pg_dump');
    await writeFile(leaky, '#!/bin/sh\necho "could not connect with password $PGPASSWORD" >&2\nexit 1\n');
    await chmod(leaky, 0o755);
    const error = await takeBackup({ dsn: live, pgDump: leaky, file: join(dir, 'leaky.dump') }).catch((e: Error) => e);
    expect((error as Error).message).toContain('could not connect with password ***');
    expectNoPassword((error as Error).message);
  });

  it('a missing pg_restore is a harness error, and the scratch database is still dropped', async () => {
    const backup = await takeBackup({ dsn: live, pgDump: tools.pgDump, file: join(dir, 'for-missing-tool.dump') });
    const attempt = proveRestore({ server, pgRestore: join(dir, 'no-such-pg_restore'), file: backup.file, liveDsn: live, schemas });
    await expect(attempt).rejects.toMatchObject({ name: 'HarnessError', message: expect.stringMatching(/^pg_restore could not be run from .*no-such-pg_restore: .*ENOENT/) });
    expect(await scratchDatabases()).toEqual([]);
  });
});
