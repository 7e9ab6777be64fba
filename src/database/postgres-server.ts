/** A PostgreSQL server the drill can use: the harness's own ephemeral one, or an existing one. */
export interface PostgresServer extends AsyncDisposable {
  /** Superuser (or owner) DSN of the server's maintenance database. Secret: redact before printing. */
  readonly dsn: string;
  readonly password: string;
  readonly host: string;
  readonly port: number;
  /** Printable, without secrets: "ephemeral PostgreSQL 15.18 (system: …) on 127.0.0.1:41234". */
  readonly description: string;
  /**
   * The DSN under which the pipeline services reach a database of this server: the same DSN for a
   * server on the host, the network alias for a Postgres container beside containerised services.
   */
  serviceDsn(dsn: string): string;
  /** Creates an empty database, or a copy of `template`, and returns its DSN (as the harness reaches it). */
  createDatabase(name: string, options?: { template?: string }): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}
