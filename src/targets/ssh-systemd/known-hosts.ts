import { createHash, createHmac } from 'node:crypto';

export interface KnownHostsVerdict {
  ok: boolean;
  /** Why the key is refused (no key material: the fingerprint only). */
  why?: string;
}

/** `host` on port 22, `[host]:port` otherwise: how OpenSSH writes a host into known_hosts. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** SHA256 fingerprint as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
    'i',
  );
  return regex.test(name);
}

function hostsMatch(field: string, name: string): boolean {
  const patterns = field.split(',');
  if (patterns.some((p) => p.startsWith('!') && patternMatches(p.slice(1), name))) return false;
  return patterns.some((p) => !p.startsWith('!') && patternMatches(p, name));
}

/**
 * Checks a host key the server presented against known_hosts text: plain, wildcard and hashed (`|1|…`)
 * host fields; `@revoked` keys are refused; `@cert-authority` lines are not supported and ignored.
 * A host listed with other keys only is a mismatch (possibly a man in the middle), not a new host.
 */
export function verifyHostKey(knownHosts: string, host: string, port: number, presented: Buffer, file: string): KnownHostsVerdict {
  const name = knownHostsName(host, port);
  const presentedB64 = presented.toString('base64');
  const presentedType = presented.subarray(4, 4 + presented.readUInt32BE(0)).toString();
  const listed: string[] = [];
  for (const raw of knownHosts.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    const [hosts, type, key] = fields;
    if (!hosts || !type || !key || !hostsMatch(hosts, name)) continue;
    if (marker === '@cert-authority') continue;
    if (marker === '@revoked') {
      if (key === presentedB64) return { ok: false, why: `the host key of ${name} (${presentedType} ${fingerprint(presented)}) is marked @revoked in ${file}` };
      continue;
    }
    if (key === presentedB64) return { ok: true };
    listed.push(type);
  }
  if (listed.length > 0) {
    return {
      ok: false,
      why: `HOST KEY MISMATCH for ${name}: it presented ${presentedType} ${fingerprint(presented)}, but ${file} lists other keys for it (${listed.join(', ')}) — refusing to connect (a man in the middle, or the host was reinstalled: check, then update ${file})`,
    };
  }
  return {
    ok: false,
    why: `${name} is not in ${file} (it presented ${presentedType} ${fingerprint(presented)}) — refusing to connect: verify the fingerprint, then add it (ssh-keyscan -p ${port} ${host} >> ${file})`,
  };
}
