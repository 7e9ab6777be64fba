import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralPostgres, type EphemeralPostgres } from '../src/database/ephemeral-postgres.ts';
import { AZURITE_KEY } from '../src/blob/connection-string.ts';
import { drill } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { testRun } from './helpers/test-config.ts';

/** DRILL_DATABASE_URL points a run at a server the user runs: the harness starts none and never prints its password. */
describe('drill run against an existing server (DRILL_DATABASE_URL)', () => {
  let server: EphemeralPostgres;
  beforeAll(async () => (server = await startEphemeralPostgres()));
  afterAll(() => server.stop());

  it('uses that server, leaves it running, drops its drill database, and no file of the run holds the password or the blob key', async () => {
    const run = await testRun();
    const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'data-validation'], {
      DRILL_DATABASE_URL: server.dsn,
    });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain(`Postgres: existing PostgreSQL at postgres://drill:***@127.0.0.1:${server.port}/postgres`);
    expect(result.all).not.toContain(server.password);
    expect(result.all).not.toContain(AZURITE_KEY);

    const journal = await latestJournal(run.reportDir);
    expect(journal.status).toBe('passed');
    // Every file the run wrote — journal, checklist, junit, allure results, logs, telemetry, the backup — byte for byte.
    const files = (await readdir(run.reportDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const path = join(file.parentPath, file.name);
      const bytes = await readFile(path);
      expect(bytes.includes(Buffer.from(server.password)), path).toBe(false);
      // The blob account key the services were given (Azurite's, handled as a secret like any account's).
      expect(bytes.includes(Buffer.from(AZURITE_KEY)), path).toBe(false);
    }

    const databases = await server.createDatabase('probe_after_run').then(async () => {
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: server.dsn });
      await client.connect();
      const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like 'drill_%'");
      await client.end();
      return rows.map((r) => r.datname);
    });
    expect(databases).toEqual([]);
  });
});
