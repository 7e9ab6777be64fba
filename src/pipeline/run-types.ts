import type { RunKind } from '../config/service-schema.ts';
import type { StartedDeployment } from '../targets/target.ts';

// The contract between run-pipeline.ts and each protocol (run-command, run-http-async, run-http-sync, run-watermark).

/** What every run protocol is given: the running version, the drill database, and how to fill placeholders. */
export interface RunContext {
  service: StartedDeployment;
  /** The harness's own DSN of the drill database (watermark queries, the database's clock). */
  dsn: string;
  /** Fills placeholders as the service sees them ({{databaseUrl}} as its network reaches the database). */
  fill: (value: string) => string;
  signal?: AbortSignal;
}

/** One KPI run as the harness saw it, whatever the protocol. */
export interface PipelineRun {
  protocol: RunKind;
  /** The run ended as a success by the protocol's own rule (2xx, exit 0, `succeeded`, the watermark advanced). */
  ok: boolean;
  /** `succeeded`, `failed`, or the status value the service reported. */
  status: string;
  runId?: string;
  /** Rows written, when the protocol's answer says (`http-sync` rowsField). */
  rows?: number;
  /** When the harness asked for the run (its clock, ms epoch): outputs are files written since. */
  triggeredAt: number;
  /** The database's clock at that moment (ISO): {{runStartedAt}} in queries, never skewed against the database. */
  startedAt: string;
  durationMs: number;
  /** What was asked and answered, in one line: `POST http://…/rollup → 200 {"rows":42}`. */
  detail: string;
  /** Why the run failed, naming the version, the protocol and what was waited for. */
  error?: string;
  /** The answer's body or the command's output, kept as evidence. */
  output?: string;
}

/** The outcome of a protocol, before the harness adds the times it measured around it. */
export type RunOutcome = Omit<PipelineRun, 'protocol' | 'triggeredAt' | 'startedAt' | 'durationMs'>;
