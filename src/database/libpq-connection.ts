import { HarnessError } from '../errors.ts';
import { Redactor } from '../redaction/redactor.ts';

export interface LibpqConnection {
  /** The DSN without its password, safe for argv (`--dbname=…`), where `ps` shows it to everyone. */
  dbname: string;
  /** PGPASSWORD for the child process, when the DSN has a password. */
  env: Record<string, string>;
  /** Masks the password in anything the child prints. */
  redactor: Redactor;
}

/**
 * Splits a postgres:// DSN for a libpq program (pg_dump, pg_restore): the password travels in the
 * child's environment, never on its command line, and every other part (host, port, user,
 * database, sslmode…) stays in the URL libpq understands.
 */
export function libpqConnection(dsn: string): LibpqConnection {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new HarnessError('a database DSN for pg_dump/pg_restore must be a postgres:// URL');
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) throw new HarnessError(`a database DSN must start with postgres:// (got ${url.protocol}//)`);
  const redactor = new Redactor();
  redactor.addDsn(dsn);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { dbname: url.toString(), env: password ? { PGPASSWORD: password } : {}, redactor };
}
