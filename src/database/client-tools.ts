import { delimiter, join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { findClientTools } from './postgres-binaries.ts';
import { redactedFor, withSession } from './pg-session.ts';

export interface ClientTools {
  /** The server's major version, which both tools match. */
  major: number;
  pgDump: string;
  pgRestore: string;
}

/**
 * pg_dump and pg_restore of the server's own major version. pg_dump refuses a newer server and
 * a newer pg_dump writes archives an older pg_restore cannot read, so "any pg_dump on PATH" is
 * not good enough: a mismatch would surface mid-rollback instead of here.
 */
export async function clientToolsFor(serverDsn: string, env: NodeJS.ProcessEnv = process.env): Promise<ClientTools> {
  const versionNum = await withSession(serverDsn, async (client) => {
    const { rows } = await client.query<{ v: number }>(`select current_setting('server_version_num')::int as v`);
    return rows[0]!.v;
  }).catch((error: unknown) => {
    throw new HarnessError(redactedFor(serverDsn, `cannot read the server version to choose pg_dump: ${(error as Error).message}`));
  });
  return clientToolsForMajor(Math.floor(versionNum / 10_000), env);
}

/** Looks in $DRILL_PG_BINDIR, Debian's /usr/lib/postgresql/<major>/bin, then $PATH. */
export async function clientToolsForMajor(major: number, env: NodeJS.ProcessEnv = process.env): Promise<ClientTools> {
  const named = [...(env['DRILL_PG_BINDIR'] ? [env['DRILL_PG_BINDIR']] : []), join('/usr/lib/postgresql', String(major), 'bin')];
  const path = (env['PATH'] ?? '').split(delimiter).filter((d) => d.length > 0);
  const found = await findClientTools(major, [...new Set([...named, ...path])]);
  if (found.pgDump && found.pgRestore) return { major, pgDump: found.pgDump, pgRestore: found.pgRestore };
  throw new HarnessError(
    `pg_dump ${major} and pg_restore ${major} not found (the server is PostgreSQL ${major}; looked in ${[...named, '$PATH'].join(', ')}): ` +
      `apt-get install postgresql-client-${major}, or set DRILL_PG_BINDIR to a folder holding pg_dump and pg_restore ${major}`,
  );
}
