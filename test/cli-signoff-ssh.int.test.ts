import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyManifest, writeManifest } from '../src/evidence/manifest.ts';
import { drill } from './helpers/cli.ts';
import { sealedRun } from './helpers/sealed-run.ts';

/**
 * ssh-key sign-off through the real CLI and the real ssh-keygen: throwaway ed25519 keys made here,
 * signatures checked against an allowed_signers file, each way a sign-off can fail named.
 */
let reportDir: string;
let runDir: string;
let keys: string;
type Key = { file: string; fingerprint: string; publicKey: string };
let ada: Key;
let bob: Key;
let eve: Key;

const noAgent = { SSH_AUTH_SOCK: '' };

async function newKey(name: string): Promise<Key> {
  const file = join(keys, name);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@example.test`, '-f', file]);
  const listed = await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', file]);
  const publicKey = (await readFile(`${file}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
  return { file, fingerprint: listed.stdout.split(' ')[1]!, publicKey };
}

async function allowedSigners(lines: Array<[string, Key]>): Promise<string> {
  const file = join(keys, `allowed_signers.${lines.map(([p]) => p).join('-')}`);
  await writeFile(file, `# who may sign for which role\n${lines.map(([principal, key]) => `${principal} ${key.publicKey}`).join('\n')}\n`);
  return file;
}

const sign = (role: string, key: Key, env: Record<string, string> = {}) => drill(['sign', runDir, '--role', role, '--key', key.file], { ...noAgent, ...env });

beforeEach(async () => {
  ({ reportDir, runDir } = await sealedRun());
  keys = await mkdtemp(join(tmpdir(), 'drill-keys-'));
  [ada, bob, eve] = await Promise.all([newKey('ada'), newKey('bob'), newKey('eve')]);
});
afterEach(async () => {
  await rm(reportDir, { recursive: true, force: true });
  await rm(keys, { recursive: true, force: true });
});

describe('drill sign --key', () => {
  it('signs the manifest, shows "verified (ssh key …)" in checklist and report, and verify checks it against allowed_signers', async () => {
    const engineering = await sign('engineering', ada);
    expect(engineering.exitCode, engineering.all).toBe(0);
    expect(engineering.stdout).toContain(`signed: Engineering — ada@example.test at `);
    expect(engineering.stdout).toContain(`verified (ssh key ${ada.fingerprint})`);
    const operations = await drill(['sign', runDir, '--role', 'operations', '--key', bob.file, '--name', 'Bob Builder', '--json'], noAgent);
    expect(operations.exitCode, operations.all).toBe(0);
    expect(JSON.parse(operations.stdout)).toMatchObject({
      signed: true,
      role: 'operations',
      name: 'Bob Builder',
      method: 'ssh',
      fingerprint: bob.fingerprint,
      signatureFile: join(runDir, 'signoff', 'operations.sig'),
    });

    const { signatures } = JSON.parse(await readFile(join(runDir, 'signoff.json'), 'utf8'));
    expect(signatures).toEqual([
      { role: 'engineering', name: 'ada@example.test', signedAt: expect.any(String), method: 'ssh', fingerprint: ada.fingerprint },
      { role: 'operations', name: 'Bob Builder', signedAt: expect.any(String), method: 'ssh', fingerprint: bob.fingerprint },
    ]);
    expect(await readFile(join(runDir, 'signoff', 'engineering.sig'), 'utf8')).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
    const checklist = await readFile(join(runDir, 'checklist.md'), 'utf8');
    expect(checklist).toMatch(new RegExp(`\\*\\*Engineering\\*\\*: ada@example.test Date: \\S+ — verified \\(ssh key ${escapeRegExp(ada.fingerprint)}\\)`));
    expect(checklist).toMatch(new RegExp(`\\*\\*Operations\\*\\*: Bob Builder Date: \\S+ — verified \\(ssh key ${escapeRegExp(bob.fingerprint)}\\)`));
    const report = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(report).toMatch(/data-role="engineering" data-signed="yes">[\s\S]*?data-kind="ssh">verified \(ssh key SHA256:/);

    const allowed = await allowedSigners([
      ['engineering', ada],
      ['operations', bob],
    ]);
    const verified = await drill(['verify', runDir, '--allowed-signers', allowed]);
    expect(verified.exitCode, verified.all).toBe(0);
    expect(verified.stdout).toContain(`sign-off Engineering (identity engineering, ssh key ${ada.fingerprint}): ada@example.test at`);
    expect(verified.stdout).toMatch(/sign-off Operations \(identity operations, ssh key \S+\): Bob Builder at \S+ — verified/);
    // The first signature was made before the second re-rendered the Sign-Off block: still good, the later one covers it.
    expect(verified.stdout).toMatch(/sign-off Engineering .* — verified$/m);
    const json = JSON.parse((await drill(['verify', runDir, '--allowed-signers', allowed, '--json'])).stdout);
    expect(json).toMatchObject({
      ok: true,
      manifest: { ok: true },
      signoff: [
        { role: 'engineering', status: 'verified' },
        { role: 'operations', status: 'verified' },
        { role: 'management', status: 'missing', required: false },
      ],
    });
    // The signed manifest is the one ssh-keygen alone can check, with no harness installed.
    const byHand = await execa('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'operations', '-n', 'rollback-drill', '-s', join(runDir, 'signoff', 'operations.sig')], {
      inputFile: join(runDir, 'manifest.sha256'),
    });
    expect(byHand.stdout).toContain('Good "rollback-drill" signature for operations');
  });

  it('names a file changed after signing, even when the manifest was sealed again over it', async () => {
    expect((await sign('engineering', ada)).exitCode).toBe(0);
    expect((await sign('operations', bob)).exitCode).toBe(0);
    const timings = join(runDir, 'rollback-time', 'timings.json');
    await writeFile(timings, '{"stop-v2":1}\n');
    await writeManifest(runDir); // whoever edited the evidence also re-sealed it: only the signatures can tell
    expect((await verifyManifest(runDir)).ok).toBe(true);
    const result = await drill([
      'verify',
      runDir,
      '--allowed-signers',
      await allowedSigners([
        ['engineering', ada],
        ['operations', bob],
      ]),
    ]);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toMatch(
      /sign-off Engineering \(identity engineering, ssh key \S+\): ada@example.test at \S+ — BAD: the run is not as engineering signed it: changed rollback-time\/timings.json/,
    );
    expect(result.stderr).toMatch(
      /sign-off Operations \(identity operations, ssh key \S+\): .* — BAD: the run is not as operations signed it: changed rollback-time\/timings.json/,
    );
    expect(result.stderr).toContain('verification FAILED');
  });

  it('names a signature made with a key allowed_signers does not allow for the role', async () => {
    expect((await sign('engineering', eve)).exitCode).toBe(0);
    const result = await drill(['verify', runDir, '--allowed-signers', await allowedSigners([['engineering', ada]])]);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toContain(`sign-off Engineering (identity engineering, ssh key ${eve.fingerprint}): eve@example.test at`);
    expect(result.stderr).toContain(
      `BAD: signed with ssh key ${eve.fingerprint}, which ${join(keys, 'allowed_signers.engineering')} does not allow for engineering (allowed: ${ada.fingerprint})`,
    );
  });

  it('names each role allowed_signers lists that has no ssh signature: none at all, or a typed name', async () => {
    expect((await sign('engineering', ada)).exitCode).toBe(0);
    expect((await drill(['sign', runDir, '--role', 'operations', '--name', 'Typed Name'])).exitCode).toBe(0);
    const allowed = await allowedSigners([
      ['engineering', ada],
      ['operations', bob],
      ['management', eve],
    ]);
    const result = await drill(['verify', runDir, '--allowed-signers', allowed]);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toContain(`sign-off Management (identity management): — MISSING: no signature, and ${allowed} lists management`);
    expect(result.stderr).toMatch(/sign-off Operations \(identity operations\): Typed Name at \S+ — unverified \(typed name\): a typed name only \(unverified\)/);
    // The typed sign-off re-rendered the checklist engineering's key signed: said, with what to do.
    expect(result.stderr).toMatch(
      /sign-off Engineering .* — BAD: the run is not as engineering signed it: changed checklist.md, changed report.html, changed signoff.json \(a later typed sign-off re-rendered the Sign-Off block: Operations \S+; sign again with --key to cover it\)/,
    );
  });

  it('without --allowed-signers, checks that each signature is intact and says the signer is not checked', async () => {
    expect((await sign('management', ada)).exitCode).toBe(0);
    const result = await drill(['verify', runDir]);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain('signature intact: signature good, signer not checked: pass --allowed-signers');
    await flipSignatureByte(join(runDir, 'signoff', 'management.sig'));
    const tampered = await drill(['verify', runDir]);
    expect(tampered.exitCode, tampered.all).toBe(1);
    expect(tampered.stderr).toMatch(/sign-off Management .* — BAD: signoff\/management.sig is not a good signature of signoff\/management.manifest.sha256/);
  });

  it('exits 3 for a key that is no key, and puts every file back when ssh-keygen cannot sign', async () => {
    const notAKey = join(keys, 'not-a-key');
    await writeFile(notAKey, 'hello\n', { mode: 0o600 });
    const bad = await drill(['sign', runDir, '--role', 'engineering', '--key', notAKey], noAgent);
    expect(bad.exitCode, bad.all).toBe(3);
    expect(bad.stderr).toContain(`--key ${notAKey} is not a readable ssh key`);

    // A public key whose private half is elsewhere: ssh-keygen knows the fingerprint but cannot sign.
    const lonely = join(keys, 'lonely.pub');
    await copyFile(`${ada.file}.pub`, lonely);
    const checklistBefore = await readFile(join(runDir, 'checklist.md'), 'utf8');
    const failed = await drill(['sign', runDir, '--role', 'engineering', '--key', lonely], noAgent);
    expect(failed.exitCode, failed.all).toBe(3);
    expect(failed.stderr).toContain(`ssh-keygen -Y sign with ${lonely} failed`);
    expect(failed.stderr).toContain('No private key found');
    expect(await readFile(join(runDir, 'checklist.md'), 'utf8')).toBe(checklistBefore);
    await expect(stat(join(runDir, 'signoff.json'))).rejects.toThrow(/ENOENT/);
    expect((await verifyManifest(runDir)).ok).toBe(true);
  });

  it('drill report refuses to re-render a run signed with a key, and sign wants --key or --name', async () => {
    expect((await sign('engineering', ada)).exitCode).toBe(0);
    const reportBefore = await readFile(join(runDir, 'report.html'), 'utf8');
    const report = await drill(['report', runDir]);
    expect(report.exitCode, report.all).toBe(1);
    expect(report.stderr).toContain('carries ssh sign-offs (engineering) over this report.html');
    expect(await readFile(join(runDir, 'report.html'), 'utf8')).toBe(reportBefore);
    const neither = await drill(['sign', runDir, '--role', 'operations']);
    expect(neither.exitCode).toBe(3);
    expect(neither.stderr).toContain('give --key <ssh private key> (a verifiable signature) or --name "…" (an unverified typed name)');
  });

  it('exits 3 for an allowed_signers file that is missing or not in the format', async () => {
    const missing = await drill(['verify', runDir, '--allowed-signers', join(keys, 'nope')]);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain(`--allowed-signers ${join(keys, 'nope')} cannot be read`);
    const garbled = join(keys, 'garbled');
    await writeFile(garbled, 'engineering not-a-key-line\n');
    const result = await drill(['verify', runDir, '--allowed-signers', garbled]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`${garbled}:1: not "<principals> [options] <key type> <base64 key>"`);
  });
});

/** One bit of the signature itself (its last bytes) changed, the armour kept valid. */
async function flipSignatureByte(file: string): Promise<void> {
  const body = Buffer.from(
    (await readFile(file, 'utf8'))
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join(''),
    'base64',
  );
  body[body.length - 5] = body[body.length - 5]! ^ 0x01;
  const lines = body.toString('base64').match(/.{1,70}/g)!;
  await writeFile(file, ['-----BEGIN SSH SIGNATURE-----', ...lines, '-----END SSH SIGNATURE-----', ''].join('\n'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
