import { cp, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeVerification, manifestName, verifyManifest, writeManifest } from './manifest.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'manifest-test-'));
  await mkdir(join(dir, 'rollback-time', 'outputs'), { recursive: true });
  await writeFile(join(dir, 'journal.json'), '{"runId":"r1"}\n');
  await writeFile(join(dir, 'rollback-time', 'v2.log'), 'line one\nline two\n');
  await writeFile(join(dir, 'rollback-time', 'outputs', 'kpis.parquet'), Buffer.from([0, 1, 2, 255]));
});

afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writeManifest / verifyManifest', () => {
  it('seals every file but itself, and GNU sha256sum --check agrees with it', async () => {
    const { files } = await writeManifest(dir);
    expect(files.map((f) => f.path)).toEqual(['journal.json', 'rollback-time/outputs/kpis.parquet', 'rollback-time/v2.log']);
    // printf '\x00\x01\x02\xff' | sha256sum
    expect(files[1]).toEqual({ path: 'rollback-time/outputs/kpis.parquet', bytes: 4, sha256: '3d1f57c984978ef98a18378c8166c1cb8ede02c03eeb6aee7e2f121dfeee3e56' });
    expect(await verifyManifest(dir)).toMatchObject({ ok: true, sealed: true, files: 3, changed: [], added: [], removed: [] });
    const check = await execa('sha256sum', ['--check', '--strict', manifestName], { cwd: dir, reject: false });
    expect(check.exitCode, check.stderr).toBe(0);
  });

  it('leaves out only the ssh sign-off files (signed over the manifest), sealing anything else in signoff/', async () => {
    await mkdir(join(dir, 'signoff'));
    await writeFile(join(dir, 'signoff', 'engineering.sig'), '-----BEGIN SSH SIGNATURE-----\n');
    await writeFile(join(dir, 'signoff', 'engineering.manifest.sha256'), 'copy\n');
    const { files } = await writeManifest(dir);
    expect(files.map((f) => f.path)).not.toContain('signoff/engineering.sig');
    await writeFile(join(dir, 'signoff', 'operations.sig'), 'a later signature\n');
    expect((await verifyManifest(dir)).ok).toBe(true);
    await writeFile(join(dir, 'signoff', 'notes.txt'), 'slipped in\n');
    expect(await verifyManifest(dir)).toMatchObject({ ok: false, added: ['signoff/notes.txt'] });
  });

  it('names a file changed by one byte, a file added and a file removed', async () => {
    await writeManifest(dir);
    const log = join(dir, 'rollback-time', 'v2.log');
    await writeFile(log, (await readFile(log, 'utf8')).replace('one', 'ore'));
    await writeFile(join(dir, 'rollback-time', 'extra.txt'), 'slipped in\n');
    await unlink(join(dir, 'rollback-time', 'outputs', 'kpis.parquet'));
    const v = await verifyManifest(dir);
    expect(v).toMatchObject({ ok: false, changed: ['rollback-time/v2.log'], added: ['rollback-time/extra.txt'], removed: ['rollback-time/outputs/kpis.parquet'] });
    expect(describeVerification(v)).toEqual(['changed: rollback-time/v2.log', 'added: rollback-time/extra.txt', 'removed: rollback-time/outputs/kpis.parquet']);
  });

  it('verifies a copy of the run folder (reports/latest): paths are relative', async () => {
    await writeManifest(dir);
    const copy = `${dir}-latest`;
    await cp(dir, copy, { recursive: true });
    try {
      expect((await verifyManifest(copy)).ok).toBe(true);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('fails a folder that was never sealed, and says so', async () => {
    const v = await verifyManifest(dir);
    expect(v).toMatchObject({ ok: false, sealed: false });
    expect(describeVerification(v)[0]).toContain('manifest.sha256 is missing: the run was never sealed');
  });

  it('fails a manifest edited by hand, naming the line', async () => {
    await writeManifest(dir);
    await writeFile(join(dir, manifestName), `${await readFile(join(dir, manifestName), 'utf8')}garbage\n`);
    const v = await verifyManifest(dir);
    expect(v.ok).toBe(false);
    expect(describeVerification(v)).toEqual(['manifest.sha256 line 4: not "<sha256>  <path>"']);
  });

  it('refuses a run folder that does not exist', async () => {
    await expect(verifyManifest(join(dir, 'nope'))).rejects.toThrow(/run folder .*nope does not exist/);
  });
});
