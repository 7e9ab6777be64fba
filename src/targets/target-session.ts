import type { PostgresServer } from '../database/postgres-server.ts';
import type { Target } from './target.ts';

/** A target opened for one run: what it needs before the first test, and what it removes after the last. */
export interface TargetSession {
  readonly target: Target;
  /** Why the run uses another target than the configured one (a fallback), for the run's first line. */
  readonly notice?: string;
  /** Work before the first test, with progress lines (building missing images). */
  prepare?(options: { progress: (line: string) => void; signal: AbortSignal }): Promise<void>;
  /** Starts the run's ephemeral Postgres where the services can reach it; absent: the harness's local one. */
  startEphemeralPostgres?(): Promise<PostgresServer>;
  /** The address services reach a server the harness starts on this machine at (the blob emulator). */
  serviceHost(): Promise<string>;
  /** Removes what the session created; returns what it had to remove that the tests should have, and errors. */
  close(): Promise<{ leftovers: string[]; errors: string[] }>;
}
