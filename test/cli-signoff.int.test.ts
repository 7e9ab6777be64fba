import { readFile, rm, unlink, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyManifest } from '../src/evidence/manifest.ts';
import { drill } from './helpers/cli.ts';
import { sealedRun } from './helpers/sealed-run.ts';

/** drill verify / sign / report on a sealed run folder, through the real CLI. */
let reportDir: string;
let runDir: string;

beforeEach(async () => ({ reportDir, runDir } = await sealedRun()));
afterEach(() => rm(reportDir, { recursive: true, force: true }));

async function flipOneByte(path: string): Promise<void> {
  const bytes = await readFile(path);
  bytes[0] = bytes[0]! ^ 0x01;
  await writeFile(path, bytes);
}

describe('drill verify', () => {
  it('exits 1 naming a file changed by one byte, a file added, a file removed and an edited report', async () => {
    const clean = await drill(['verify', runDir]);
    expect(clean.exitCode, clean.all).toBe(0);
    expect(clean.stdout).toMatch(/^verified: \d+ files of .* match manifest.sha256$/m);
    await flipOneByte(join(runDir, 'rollback-time', 'timings.json'));
    await writeFile(join(runDir, 'data-validation', 'planted.csv'), 'kpi,v1,v2\n');
    await unlink(join(runDir, 'rollback-time', 'v2-final.log'));
    await appendFile(join(runDir, 'report.html'), '<!-- approved -->');
    const result = await drill(['verify', runDir]);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr.split('\n')).toEqual(
      expect.arrayContaining(['changed: report.html', 'changed: rollback-time/timings.json', 'added: data-validation/planted.csv', 'removed: rollback-time/v2-final.log']),
    );
    expect(result.stderr).toContain('verification FAILED');
  });

  it('exits 3 for a folder that does not exist', async () => {
    const result = await drill(['verify', join(reportDir, 'no-such-run')]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('no-such-run does not exist or is not a folder');
  });
});

describe('drill sign', () => {
  it('refuses a tampered run, naming the file, and changes nothing', async () => {
    await flipOneByte(join(runDir, 'data-validation', 'kpi-diff.csv'));
    const checklistBefore = await readFile(join(runDir, 'checklist.md'), 'utf8');
    const result = await drill(['sign', runDir, '--role', 'engineering', '--name', 'Ada Lovelace']);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toContain('changed: data-validation/kpi-diff.csv');
    expect(result.stderr).toContain('refused:');
    expect(await readFile(join(runDir, 'checklist.md'), 'utf8')).toBe(checklistBefore);
    await expect(readFile(join(runDir, 'signoff.json'))).rejects.toThrow(/ENOENT/);
  });

  it('records who and when, updates checklist and report, and the run verifies afterwards', async () => {
    const result = await drill(['sign', runDir, '--role', 'operations', '--name', 'Grace <Hopper>']);
    expect(result.exitCode, result.all).toBe(0);
    const { signatures } = JSON.parse(await readFile(join(runDir, 'signoff.json'), 'utf8'));
    expect(signatures).toEqual([{ role: 'operations', name: 'Grace <Hopper>', signedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) }]);
    expect(Date.now() - Date.parse(signatures[0].signedAt)).toBeLessThan(60_000);
    const checklist = await readFile(join(runDir, 'checklist.md'), 'utf8');
    expect(checklist).toContain(`**Operations**: Grace <Hopper> Date: ${signatures[0].signedAt}`);
    expect(checklist).toContain('**Engineering**: _________________________ Date: _________');
    const report = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(report).toMatch(/data-role="operations" data-signed="yes">[\s\S]*?<div class="name">Grace &lt;Hopper&gt;<\/div>/);
    expect((await drill(['verify', runDir])).exitCode).toBe(0);
  });

  it('exits 3 for an unknown role or an empty name, before touching anything', async () => {
    const role = await drill(['sign', runDir, '--role', 'ceo', '--name', 'X']);
    expect(role.exitCode).toBe(3);
    expect(role.stderr).toContain("unknown role 'ceo' given by --role (known: engineering, operations, management)");
    const name = await drill(['sign', runDir, '--role', 'management', '--name', '   ']);
    expect(name.exitCode).toBe(3);
    expect(name.stderr).toContain('--name is empty');
    expect((await verifyManifest(runDir)).ok).toBe(true);
  });
});

describe('drill report', () => {
  it('re-renders a sealed run without breaking its seal, and refuses a tampered one', async () => {
    const ok = await drill(['report', runDir]);
    expect(ok.exitCode, ok.all).toBe(0);
    expect((await verifyManifest(runDir)).ok).toBe(true);
    await writeFile(join(runDir, 'rollback-time', 'timings.json'), '{"stop-v2":1}\n');
    const refused = await drill(['report', runDir]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('changed: rollback-time/timings.json');
  });

  it('--pdf without Chromium exits 3 naming the binary and the apt command', async () => {
    const result = await drill(['report', runDir, '--pdf'], { DRILL_CHROMIUM: '/nonexistent/chromium' });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("headless Chromium not found at /nonexistent/chromium: install Debian's with `apt-get install -y chromium`");
  });
});
