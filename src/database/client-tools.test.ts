import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientToolsForMajor } from './client-tools.ts';

describe('clientToolsForMajor', () => {
  it('says exactly what is missing and how to get it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'drill-no-tools-'));
    try {
      const found = clientToolsForMajor(99, { DRILL_PG_BINDIR: empty, PATH: '' });
      await expect(found).rejects.toThrow(
        /^pg_dump 99 and pg_restore 99 not found \(the server is PostgreSQL 99; looked in .*drill-no-tools-.*, \/usr\/lib\/postgresql\/99\/bin, \$PATH\): apt-get install postgresql-client-99, or set DRILL_PG_BINDIR/,
      );
      await expect(found).rejects.toMatchObject({ name: 'HarnessError' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
