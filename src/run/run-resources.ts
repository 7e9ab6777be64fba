import { openBlob } from '../blob/open-blob.ts';
import type { BlobStorage } from '../blob/blob-storage.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import { openServer } from '../database/open-server.ts';
import type { PostgresServer } from '../database/postgres-server.ts';
import { errorMessage } from '../errors.ts';
import { createNotifier, type Notifier } from '../notifications/notifier.ts';
import type { Redactor } from '../redaction/redactor.ts';
import { openTarget } from '../targets/open-target.ts';
import type { TargetSession } from '../targets/target-session.ts';
import type { Plugins } from '../config/plugins.ts';

export interface OpenedResources {
  session: TargetSession;
  server: PostgresServer;
  blob?: BlobStorage;
  notifier: Notifier;
}

/**
 * What a run needs before its first drill, opened in one place and closed in reverse, always: the
 * target (its images prepared), PostgreSQL (where the services reach it), blob storage, the notifier.
 * Each resource is registered for closing the moment it is opened, so a failure half-way closes the rest.
 */
export class RunResources {
  private session?: TargetSession;
  private server?: PostgresServer;
  private blob?: BlobStorage;
  /** What the journal says of the database: its description once it is open. */
  database = 'not started';

  constructor(
    private readonly env: EnvironmentConfig,
    private readonly options: {
      runId: string;
      runDir: string;
      baseDir: string;
      processEnv: NodeJS.ProcessEnv;
      redactor: Redactor;
      signal: AbortSignal;
      info: (line: string) => void;
      plugins?: Pick<Plugins, 'targets' | 'channels'>;
    },
  ) {}

  /** The target session once opened (for the journal: which target ran, after any fallback). */
  get target(): TargetSession | undefined {
    return this.session;
  }

  async open(environmentName: string): Promise<OpenedResources> {
    const { env } = this;
    const { runId, runDir, processEnv, redactor, signal, info } = this.options;
    this.session = await openTarget(env.target, { runId, runDir, env: processEnv, ...(this.options.plugins ? { registry: this.options.plugins.targets } : {}) });
    const { target } = this.session;
    info(`drill ${runId}: environment ${environmentName} · target ${target.kind} (${target.description})${this.session.notice ? ` — ${this.session.notice}` : ''}`);
    await this.session.prepare?.({ progress: info, signal });
    this.server = await openServer(env.database, processEnv, this.session.startEphemeralPostgres?.bind(this.session));
    redactor.addDsn(this.server.dsn);
    this.database = this.server.description;
    info(`drill ${runId}: Postgres: ${this.database}`);
    if (env.blob) {
      this.blob = await openBlob(env.blob, { serviceHost: await this.session.serviceHost(), env: processEnv });
      for (const secret of this.blob.secrets) redactor.add(secret);
      info(`drill ${runId}: blob storage: ${this.blob.description}`);
    }
    const notifier = createNotifier(env.notifications, {
      env: processEnv,
      redactor,
      baseDir: this.options.baseDir,
      ...(this.options.plugins ? { registry: this.options.plugins.channels } : {}),
    });
    return { session: this.session, server: this.server, ...(this.blob ? { blob: this.blob } : {}), notifier };
  }

  /** Closes in reverse order of opening; what went wrong is returned, never thrown (the journal must still be written). */
  async close(): Promise<{ error?: string; warnings: string[] }> {
    const { redactor } = this.options;
    let error: string | undefined;
    const warnings: string[] = [];
    await this.blob?.stop().catch((e: unknown) => (error ??= `stopping blob storage failed: ${redactor.redact(errorMessage(e))}`));
    await this.server?.stop().catch((e: unknown) => (error ??= `stopping Postgres failed: ${redactor.redact(errorMessage(e))}`));
    const closed = await this.session?.close().catch((e: unknown) => ({ leftovers: [], errors: [errorMessage(e)] }));
    if (closed?.leftovers.length) warnings.push(`removed at the end of the run, left by a test's cleanup: ${closed.leftovers.join(', ')}`);
    for (const e of closed?.errors ?? []) warnings.push(`closing the target: ${redactor.redact(e)}`);
    return { ...(error ? { error } : {}), warnings };
  }
}
