import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findPostgresBinaries } from '../../src/database/postgres-binaries.ts';
import type { TestRun } from './test-config.ts';

/**
 * A DRILL_PG_BINDIR with the real server and pg_restore and a pg_dump of the test's making: a shell
 * script given the real pg_dump's path, e.g. one that corrupts or refuses every dump.
 */
export async function bindirWithPgDump(run: TestRun, script: (realPgDump: string) => string): Promise<string> {
  const real = await findPostgresBinaries({});
  if (!real.pgDump || !real.pgRestore) throw new Error('this test needs pg_dump and pg_restore of the server major');
  const dir = join(run.dir, 'bin');
  await mkdir(dir, { mode: 0o755 });
  for (const tool of ['initdb', 'postgres', 'pg_ctl']) await symlink(join(real.bindir, tool), join(dir, tool));
  await symlink(real.pgRestore, join(dir, 'pg_restore'));
  await writeFile(join(dir, 'pg_dump'), script(real.pgDump));
  await chmod(join(dir, 'pg_dump'), 0o755);
  return dir;
}
