import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint, knownHostsName, verifyHostKey } from './known-hosts.ts';

function sshKey(type: string, body = randomBytes(32)): Buffer {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, body]);
}

const key = sshKey('ssh-ed25519');
const other = sshKey('ssh-ed25519');
const line = (hosts: string, k = key) => `${hosts} ssh-ed25519 ${k.toString('base64')}`;
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('verifyHostKey', () => {
  it('accepts the listed key, for port 22 and [host]:port names', () => {
    expect(verifyHostKey(line('10.0.0.5'), '10.0.0.5', 22, key, 'kh')).toEqual({ ok: true });
    expect(verifyHostKey(line('[db.example]:2222,other'), 'db.example', 2222, key, 'kh')).toEqual({ ok: true });
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('h', 2200)).toBe('[h]:2200');
  });

  it('matches hashed and wildcard entries, and honours negations', () => {
    expect(verifyHostKey(line(hashed('[10.1.2.3]:2022')), '10.1.2.3', 2022, key, 'kh').ok).toBe(true);
    expect(verifyHostKey(line('*.staging.example'), 'etl.staging.example', 22, key, 'kh').ok).toBe(true);
    expect(verifyHostKey(line('*.staging.example,!etl.staging.example'), 'etl.staging.example', 22, key, 'kh').ok).toBe(false);
  });

  it('refuses another key for a listed host, naming the fingerprint and never the key', () => {
    const verdict = verifyHostKey(`# comment\n${line('10.0.0.5', other)}\n`, '10.0.0.5', 22, key, '/root/.ssh/known_hosts');
    expect(verdict.ok).toBe(false);
    expect(verdict.why).toContain('HOST KEY MISMATCH for 10.0.0.5');
    expect(verdict.why).toContain(fingerprint(key));
    expect(verdict.why).toContain('/root/.ssh/known_hosts');
    expect(verdict.why).not.toContain(key.toString('base64'));
  });

  it('refuses an unknown host and says how to add it', () => {
    const verdict = verifyHostKey(line('10.0.0.6'), '10.0.0.5', 2222, key, 'kh');
    expect(verdict.why).toMatch(/\[10\.0\.0\.5\]:2222 is not in kh .*ssh-keyscan -p 2222 10\.0\.0\.5 >> kh/);
  });

  it('refuses a @revoked key even when another line lists it', () => {
    const verdict = verifyHostKey(`@revoked ${line('10.0.0.5')}\n${line('10.0.0.5')}`, '10.0.0.5', 22, key, 'kh');
    expect(verdict).toMatchObject({ ok: false, why: expect.stringContaining('@revoked') });
  });
});
