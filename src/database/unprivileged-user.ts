import { readFile } from 'node:fs/promises';

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/**
 * initdb and postgres refuse to run as root. When the harness runs as root (CI, these machines)
 * the server runs as the `postgres` account if the system has one, else as `nobody`.
 * Returns undefined when no switch is needed.
 */
export async function unprivilegedAccount(uid = process.getuid?.()): Promise<Account | undefined> {
  if (uid !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const accounts = new Map(
    passwd
      .split('\n')
      .map((line) => line.split(':'))
      .filter((f) => f.length >= 4)
      .map((f) => [f[0]!, { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }] as const),
  );
  const account = accounts.get('postgres') ?? accounts.get('nobody');
  if (!account) throw new Error('running as root and neither a postgres nor a nobody account exists to run PostgreSQL');
  return account;
}
