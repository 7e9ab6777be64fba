import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type pg from 'pg';
import { HarnessError, errorMessage } from '../errors.ts';
import { freePort } from '../util/free-port.ts';
import { LineBuffer } from '../util/line-buffer.ts';
import { delay, waitFor } from '../util/wait-for.ts';
import { canConnect } from './connectivity.ts';
import { findPostgresBinaries, type PostgresBinaries } from './postgres-binaries.ts';
import { binariesFor, dataParentFor } from './reachable-by.ts';
import { unprivilegedAccount, type Account } from './unprivileged-user.ts';
import type { PostgresServer } from './postgres-server.ts';
import { newClient } from './pg-session.ts';

export interface EphemeralPostgres extends PostgresServer {
  readonly dataDir: string;
  readonly binaries: PostgresBinaries;
}

const user = 'drill';

/**
 * Starts a real PostgreSQL server in a fresh temporary folder on a free port, with a random
 * password, and removes it all on stop(). Durability settings are relaxed (fsync off): this server
 * lives for one drill and losing it on a host crash loses nothing.
 */
export async function startEphemeralPostgres(options: { readyTimeoutMs?: number } = {}): Promise<EphemeralPostgres> {
  const account = await unprivilegedAccount();
  const parent = await dataParentFor(account);
  const binaries = await binariesFor(await findPostgresBinaries(), account, parent);
  const root = await mkdtemp(join(parent, 'drill-pg-'));
  try {
    const password = randomBytes(18).toString('base64url');
    await initCluster(binaries, account, root, password);
    return await startServer(binaries, account, root, password, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

async function initCluster(binaries: PostgresBinaries, account: Account | undefined, root: string, password: string) {
  const pwfile = join(root, 'pwfile');
  await writeFile(pwfile, password, { mode: 0o600 });
  if (account) {
    await chown(root, account.uid, account.gid);
    await chown(pwfile, account.uid, account.gid);
  }
  const result = await execa(
    join(binaries.bindir, 'initdb'),
    ['-D', join(root, 'data'), '-U', user, `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...asAccount(account), reject: false, all: true },
  );
  await rm(pwfile, { force: true });
  if (result.exitCode !== 0) {
    throw new HarnessError(`initdb (${binaries.bindir}) failed with exit ${result.exitCode}:\n${result.all}`);
  }
}

async function startServer(binaries: PostgresBinaries, account: Account | undefined, root: string, password: string, readyTimeoutMs: number): Promise<EphemeralPostgres> {
  // The port is free when asked but another process may take it before postgres binds: retry.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const log = new LineBuffer(200);
    const server = execa(
      join(binaries.bindir, 'postgres'),
      [
        '-D',
        join(root, 'data'),
        '-p',
        String(port),
        '-k',
        root,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { ...asAccount(account), reject: false, cleanup: true, buffer: false, stdin: 'ignore' },
    );
    server.stdout?.on('data', (c: Buffer) => log.push(c.toString()));
    server.stderr?.on('data', (c: Buffer) => log.push(c.toString()));
    let exited = false;
    void server.then(() => (exited = true));
    const dsn = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    try {
      await waitFor(
        async () => {
          if (exited) throw new HarnessError(`postgres exited during startup:\n${log.last(20).join('\n')}`);
          return (await canConnect(dsn, 2000)) ? true : undefined;
        },
        { what: `PostgreSQL ${binaries.version} on 127.0.0.1:${port} not accepting connections`, timeoutMs: readyTimeoutMs, intervalMs: 50 },
      );
    } catch (error) {
      await stopProcess(server);
      const portTaken = log.last(50).some((l) => /could not bind|Address already in use/i.test(l));
      if (portTaken && attempt < 3) continue;
      throw error instanceof HarnessError ? error : new HarnessError(`${errorMessage(error)}\n${log.last(20).join('\n')}`);
    }
    return makeHandle(binaries, root, dsn, port, password, server);
  }
}

function makeHandle(binaries: PostgresBinaries, root: string, dsn: string, port: number, password: string, server: ResultPromise): EphemeralPostgres {
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await stopProcess(server);
      await rm(root, { recursive: true, force: true });
    })());
  return {
    dsn,
    password,
    host: '127.0.0.1',
    port,
    description: `ephemeral PostgreSQL ${binaries.version} (${binaries.source}: ${binaries.bindir}) on 127.0.0.1:${port}`,
    dataDir: join(root, 'data'),
    binaries,
    serviceDsn: (database) => database,
    createDatabase: (name, options) => createDatabase(dsn, name, options),
    dropDatabase: (name) => dropDatabase(dsn, name),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Fast shutdown (SIGINT), then SIGKILL if the server has not gone after 15 s. */
async function stopProcess(server: ResultPromise): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGINT');
  const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
  await server;
  clearTimeout(timer);
}

/**
 * Creates an empty database, or a copy of `template` (a file-level copy: seconds for a gigabyte, where
 * re-seeding takes minutes). A template must have no other session while it is copied: a copy refused
 * for that is retried until `templateTimeoutMs`.
 */
export async function createDatabase(serverDsn: string, name: string, options: { template?: string; templateTimeoutMs?: number } = {}): Promise<string> {
  assertIdentifier(name);
  const { template } = options;
  if (template) assertIdentifier(template);
  await withClient(serverDsn, async (c) => {
    if (!template) return c.query(`create database "${name}"`);
    const deadline = Date.now() + (options.templateTimeoutMs ?? 10_000);
    for (;;) {
      try {
        return await c.query(`create database "${name}" template "${template}"`);
      } catch (error) {
        const busy = (error as { code?: string }).code === '55006'; // object_in_use: another session on the template
        if (!busy || Date.now() > deadline) throw new Error(`cannot copy database ${template} into ${name}: ${errorMessage(error)}`);
        await delay(50);
      }
    }
  });
  const url = new URL(serverDsn);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(serverDsn: string, name: string): Promise<void> {
  assertIdentifier(name);
  await withClient(serverDsn, (c) => c.query(`drop database if exists "${name}" with (force)`));
}

async function withClient<T>(dsn: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = newClient({ connectionString: dsn });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new HarnessError(`invalid database name '${name}'`);
}

function asAccount(account: Account | undefined) {
  return account ? { uid: account.uid, gid: account.gid } : {};
}
