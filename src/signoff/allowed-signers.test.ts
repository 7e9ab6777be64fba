import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { keysFor, parseAllowedSigners, rolesListed } from './allowed-signers.ts';

// Two real ed25519 public keys; their fingerprints as `ssh-keygen -l` printed them.
const ada = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKY1JQcqh9HNCVlxN2EyAiyqo2RmAYW8s7ZW3YKyp5zK';
const adaFingerprint = 'SHA256:l2GAMJ6Flxahnd4A8YPsZYa24sv+13aVSl7DDSSxNTc';
const bob = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmP4yHYCy+S0ADkoIOFxrieh66+LTqDSFWfwiBiZEEa';
const bobFingerprint = 'SHA256:Hr9pYnr/yfObMReWeHPeiSUFJDZpx1AE3l3APWdfCnc';

describe('parseAllowedSigners', () => {
  it('reads principals, options and keys, fingerprinted as ssh-keygen prints them', () => {
    const signers = parseAllowedSigners(
      [
        '# sign-off keys',
        '',
        `engineering,operations ${ada} ada@example`,
        `management namespaces="rollback-drill,git" valid-after="20260101" ${bob}`,
        `ci@example.com ${bob}`,
      ].join('\n'),
      'allowed_signers',
    );
    expect(signers).toEqual([
      { principals: ['engineering', 'operations'], keyType: 'ssh-ed25519', fingerprint: adaFingerprint, line: 3 },
      { principals: ['management'], keyType: 'ssh-ed25519', fingerprint: bobFingerprint, line: 4 },
      { principals: ['ci@example.com'], keyType: 'ssh-ed25519', fingerprint: bobFingerprint, line: 5 },
    ]);
    // Only principals that are roles make a role required.
    expect(rolesListed(signers)).toEqual(['engineering', 'operations', 'management']);
    expect(keysFor(signers, 'operations')).toEqual([adaFingerprint]);
    expect(keysFor(signers, 'management')).toEqual([bobFingerprint]);
  });

  it('names the line that is not a signer', () => {
    expect(() => parseAllowedSigners(`engineering ${ada}\nengineering AAAA\n`, 'signers.txt')).toThrow(HarnessError);
    expect(() => parseAllowedSigners(`engineering ${ada}\nengineering AAAA\n`, 'signers.txt')).toThrow('signers.txt:2: not "<principals> [options] <key type> <base64 key>"');
  });
});
