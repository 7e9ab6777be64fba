import { StringDecoder } from 'node:string_decoder';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { HarnessError, errorMessage } from '../../errors.ts';
import { newClient, redactedFor, stableOutputSettings, type Queryable } from '../pg-session.ts';

/**
 * Session settings of the comparison's own connections, beside the stable output settings (a
 * sampled value is printed the same way on both sides). JIT off: each statement of a comparison
 * is one pass of cheap expressions, and compiling them (in the leader and again in every parallel
 * worker) saved nothing measurable per row (CPU time of 829k rows, jit on and off: equal) while
 * adding its compile time to every statement. work_mem: the key-level diff groups the keys of the
 * mismatched buckets in one hash aggregate, which spilled to disk at the default 4 MB.
 */
const SETTINGS: Readonly<Record<string, string>> = { ...stableOutputSettings, jit: 'off', work_mem: '64MB' };

/**
 * The connections a comparison uses on one database, all reading one snapshot: the first opens a
 * repeatable-read, read-only transaction and exports its snapshot, the others import it. So the
 * queries can be summarised at the same time, each on its own connection, and still see the same
 * data as each other and as the diff that follows, even while a pipeline writes.
 *
 * Given a client instead of a DSN, there is one connection, that client, used as is (in its
 * current transaction state), and the work runs one statement after the other.
 */
export interface DatabaseSessions {
  /** Runs `fn` on a free connection of this database, waiting for one if all are busy. */
  use<T>(fn: (client: Queryable) => Promise<T>): Promise<T>;
  /**
   * The lines of `copy (<sql>) to stdout` (text format), read as they arrive: the database's
   * plan stays parallel (a cursor's would not), and memory holds a network buffer, not the result.
   */
  copyLines(sql: string): AsyncIterable<string>;
  /** How many connections are open here (more may join while the first works). */
  readonly width: number;
  /** Rows received from this database so far. */
  readonly rowsFetched: number;
  close(): Promise<void>;
}

/**
 * Opens the first connection (settings, transaction and snapshot export in one round trip) and
 * returns as soon as it is ready; the others connect meanwhile and join when they have imported
 * the snapshot, so that the first statements (describing the queries) do not wait for them. An
 * extra connection that fails to open leaves the work to the ones that did.
 */
export async function openSessions(target: string | Queryable, width: number): Promise<DatabaseSessions> {
  if (typeof target !== 'string') return new Pool([target], () => Promise.resolve());
  const begin = 'begin isolation level repeatable read read only';
  // A standby cannot export snapshots: the work then runs on this one connection, in order.
  const first =
    width > 1
      ? await connect(target, begin, 'select pg_export_snapshot() as id').catch((error: unknown) => {
          if (/snapshot/i.test(errorMessage(error))) return connect(target, begin);
          throw error;
        })
      : await connect(target, begin);
  const snapshot = first.results.at(-1)?.rows[0]?.id as string | undefined;
  const extra: Array<Promise<pg.Client | undefined>> = [];
  const pool = new Pool([first.client], async () => {
    const clients = [first.client, ...(await Promise.all(extra)).filter((c): c is pg.Client => c !== undefined)];
    await Promise.all(
      clients.map(async (c) => {
        await c.query('rollback').catch(() => undefined);
        await c.end().catch(() => undefined);
      }),
    );
  });
  if (snapshot !== undefined && /^[0-9A-F-]+$/i.test(snapshot)) {
    for (let i = 1; i < width; i++) {
      extra.push(
        connect(target, `${begin}; set transaction snapshot '${snapshot}'`).then(
          ({ client }) => (pool.add(client), client),
          () => undefined,
        ),
      );
    }
  }
  return pool;
}

interface Connected {
  client: pg.Client;
  results: pg.QueryResult[];
}

/**
 * Connects and, in one round trip: `begin` (the transaction, which must come first), the
 * comparison's settings (for the transaction: all its work happens in it), then `after`.
 */
async function connect(dsn: string, begin: string, after?: string): Promise<Connected> {
  const client = newClient({ connectionString: dsn });
  try {
    await client.connect();
    const settings = Object.entries(SETTINGS)
      .map(([name, value]) => `set_config(${literal(name)}, ${literal(value)}, false)`)
      .join(', ');
    const results = (await client.query([begin, `select ${settings}`, ...(after ? [after] : [])].join('; '))) as unknown as pg.QueryResult[];
    return { client, results };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(redactedFor(dsn, `cannot open a session on ${dsn}: ${errorMessage(error)}`));
  }
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

class Pool implements DatabaseSessions {
  #idle: Queryable[];
  #waiting: Array<(client: Queryable) => void> = [];
  #rows = 0;
  width: number;

  constructor(
    clients: Queryable[],
    readonly closeAll: () => Promise<void>,
  ) {
    this.#idle = [...clients];
    this.width = clients.length;
  }

  /** A connection that became ready after the pool was handed out. */
  add(client: Queryable): void {
    this.width++;
    this.#release(client);
  }

  get rowsFetched(): number {
    return this.#rows;
  }

  async use<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await this.#acquire();
    try {
      return await fn(this.#counting(client));
    } finally {
      this.#release(client);
    }
  }

  async *copyLines(sql: string): AsyncGenerator<string> {
    const client = await this.#acquire();
    try {
      if (!(client instanceof pg.Client)) throw new HarnessError('comparing two databases key by key needs a DSN or a pg.Client for each side (COPY streams the keys)');
      const decoder = new StringDecoder('utf8');
      let pending = '';
      for await (const chunk of client.query(copyTo(`copy (${sql}) to stdout`)) as AsyncIterable<Buffer>) {
        const lines = (pending + decoder.write(chunk)).split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          this.#rows++;
          yield line;
        }
      }
      if (pending + decoder.end() !== '') throw new Error('COPY output ended inside a line');
    } finally {
      this.#release(client);
    }
  }

  close(): Promise<void> {
    return this.closeAll();
  }

  async #acquire(): Promise<Queryable> {
    return this.#idle.pop() ?? (await new Promise<Queryable>((resolve) => this.#waiting.push(resolve)));
  }

  #release(client: Queryable): void {
    const next = this.#waiting.shift();
    if (next) next(client);
    else this.#idle.push(client);
  }

  #counting(inner: Queryable): Queryable {
    return {
      query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
        const result = await inner.query<R>(text, values);
        this.#rows += result.rows?.length ?? 0;
        return result;
      },
    };
  }
}
