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
  /** How many statements can run at once here. */
  readonly width: number;
  /** Rows received from this database so far. */
  readonly rowsFetched: number;
  close(): Promise<void>;
}

export async function openSessions(target: string | Queryable, width: number): Promise<DatabaseSessions> {
  if (typeof target !== 'string') return new Pool([target], () => Promise.resolve());
  const clients: pg.Client[] = [];
  const closeAll = async () => {
    await Promise.all(clients.map(async (c) => {
      await c.query('rollback').catch(() => undefined);
      await c.end().catch(() => undefined);
    }));
  };
  try {
    const first = await connect(target);
    clients.push(first);
    await first.query('begin isolation level repeatable read read only');
    let snapshot: string | undefined;
    if (width > 1) {
      // A standby cannot export snapshots: the work then runs on this one connection, in order.
      snapshot = await first.query<{ id: string }>('select pg_export_snapshot() as id').then((r) => r.rows[0]!.id, () => undefined);
      if (snapshot === undefined) await first.query('rollback; begin isolation level repeatable read read only');
    }
    if (snapshot !== undefined) {
      const others = await Promise.all(Array.from({ length: width - 1 }, () => connect(target)));
      clients.push(...others);
      await Promise.all(others.map(async (c) => {
        await c.query('begin isolation level repeatable read read only');
        await c.query(`set transaction snapshot '${snapshot}'`);
      }));
    }
    return new Pool(clients, closeAll);
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function connect(dsn: string): Promise<pg.Client> {
  const client = newClient({ connectionString: dsn });
  try {
    await client.connect();
    const pairs = Object.entries(SETTINGS);
    await client.query(`select ${pairs.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, false)`).join(', ')}`, pairs.flat());
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(redactedFor(dsn, `cannot open a session on ${dsn}: ${errorMessage(error)}`));
  }
}

class Pool implements DatabaseSessions {
  #idle: Queryable[];
  #waiting: Array<(client: Queryable) => void> = [];
  #rows = 0;
  readonly width: number;

  constructor(clients: Queryable[], readonly closeAll: () => Promise<void>) {
    this.#idle = [...clients];
    this.width = clients.length;
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
