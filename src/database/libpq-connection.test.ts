import { describe, expect, it } from 'vitest';
import { libpqConnection } from './libpq-connection.ts';

describe('libpqConnection', () => {
  it('moves the password from the DSN into PGPASSWORD, keeping everything else', () => {
    const conn = libpqConnection('postgres://drill:p%40ss%2Fw0rd@127.0.0.1:5433/live?sslmode=disable');
    expect(conn.dbname).toBe('postgres://drill@127.0.0.1:5433/live?sslmode=disable');
    expect(conn.env).toEqual({ PGPASSWORD: 'p@ss/w0rd' });
    expect(conn.redactor.redact('auth failed for p@ss/w0rd')).toBe('auth failed for ***');
  });

  it('leaves PGPASSWORD alone when the DSN has no password', () => {
    expect(libpqConnection('postgresql://drill@db/live')).toMatchObject({ dbname: 'postgresql://drill@db/live', env: {} });
  });

  it('refuses what is not a postgres:// URL, without echoing it', () => {
    expect(() => libpqConnection('host=db password=hunter2')).toThrow(/^a database DSN for pg_dump\/pg_restore must be a postgres:\/\/ URL$/);
    expect(() => libpqConnection('mysql://u:hunter2@db/x')).toThrow('must start with postgres:// (got mysql://)');
  });
});
