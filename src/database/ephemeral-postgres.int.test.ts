import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEphemeralPostgres } from './ephemeral-postgres.ts';

describe('startEphemeralPostgres', () => {
  it('starts a real server with a password on a free port, and removes everything on stop', async () => {
    const server = await startEphemeralPostgres();
    try {
      expect(server.description).toMatch(/^ephemeral PostgreSQL \d+\.\d+ \(.*\) on 127\.0\.0\.1:\d+$/);
      expect(server.description).not.toContain(server.password);
      const dsn = await server.createDatabase('drill_it');
      const client = new pg.Client({ connectionString: dsn });
      await client.connect();
      const { rows } = await client.query<{ db: string; v: string }>('select current_database() as db, version() as v');
      await client.end();
      expect(rows[0]).toMatchObject({ db: 'drill_it', v: expect.stringContaining('PostgreSQL') });

      const wrong = new pg.Client({ connectionString: dsn.replace(encodeURIComponent(server.password), 'wrong') });
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
      await wrong.end().catch(() => undefined);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dataDir)).toBe(false);
    const after = new pg.Client({ connectionString: server.dsn, connectionTimeoutMillis: 1000 });
    await expect(after.connect()).rejects.toThrow();
  });

  it('refuses a database name that is not a plain identifier', async () => {
    const server = await startEphemeralPostgres();
    try {
      await expect(server.createDatabase('x"; drop database postgres; --')).rejects.toThrow('invalid database name');
    } finally {
      await server.stop();
    }
  });
});
