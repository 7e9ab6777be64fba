/**
 * The journal is the single output of a run: every reporter and every assertion reads it.
 * Field names are a contract (docs/reports.md, "The journal"); add fields, never rename them.
 */

export type RunStatus = 'passed' | 'failed' | 'inconclusive' | 'error' | 'interrupted';
export type TestStatus = RunStatus;
export type StepStatus = 'passed' | 'failed' | 'error' | 'skipped' | 'interrupted';
/** waived: the environment cannot prove this check and says why (`waive` in its config); it never fails the run, and every report shows the reason. */
export type CheckStatus = 'passed' | 'failed' | 'inconclusive' | 'error' | 'waived';

/**
 * setup: preconditions (a failure makes the test inconclusive: nothing was rolled back);
 * pre-rollback: the runbook's checklist before execution (backup, exports); rollback: the timed
 * execution steps; verify: post-rollback verification; forward: re-deploying V2 (Test 4); emergency:
 * the runbook's "Rollback Rollback" after V1 failed to come up or failed verification.
 */
export type StepPhase = 'setup' | 'pre-rollback' | 'rollback' | 'verify' | 'forward' | 'emergency';

export interface StepRecord {
  id: string;
  title: string;
  phase: StepPhase;
  startedAt: string;
  durationMs: number;
  status: StepStatus;
  error?: string;
  /** Facts the step established, e.g. { escalatedToSigkill: true, healthUrl: '…' }. */
  output?: Record<string, unknown>;
}

export interface CheckRecord {
  id: string;
  title: string;
  status: CheckStatus;
  value: number | string | boolean | null;
  threshold: number | string | boolean | null;
  unit?: string;
  /** Relative path (from the run folder) of the file the value came from. */
  evidence?: string;
  message?: string;
}

export interface TestRecord {
  id: string;
  title: string;
  status: TestStatus;
  startedAt: string;
  durationMs: number;
  steps: StepRecord[];
  checks: CheckRecord[];
  cleanup: Array<{ label: string; status: 'passed' | 'error'; error?: string; durationMs: number }>;
  evidence: string[];
  /** Rollback window: first rollback step start → last rollback step end. */
  rollbackMs?: number;
  /** Pre-rollback phase: first pre-rollback step start → last pre-rollback step end. */
  preRollbackMs?: number;
  /**
   * Notification deliveries (`webhook` is the channel's name, whatever its kind); a failed one is a
   * warning, never a failure of the drill.
   */
  notifications?: Array<{ webhook: string; kind?: string; event: string; ok: boolean; status?: number; error?: string; detail?: string; attempts?: number; durationMs: number }>;
  warnings?: string[];
  /** The emergency path ran: what triggered it and what happened, in order. */
  incident?: Incident;
}

export interface Incident {
  /** The failed step (V1 did not come up) or check (V1 failed verification) that triggered the emergency path. */
  trigger: { id: string; error: string };
  timeline: Array<{ at: string; event: string }>;
  /** Every emergency step passed: pipelines halted, database read-only, exported, restored and verified. */
  recovered: boolean;
}

/**
 * One line of the runbook's Testing Checklist, filled from measurements. Each drill fills its own section
 * (its plugin's `checklist`); items only a person can judge stay open for the signers.
 */
export interface ChecklistEntry {
  /** Ticked or not; undefined for a line with no box (a note under an item). */
  done?: boolean;
  text: string;
  /** Why an item is open although nothing failed: not run, or not for a machine to judge. */
  remark?: string;
  children?: ChecklistEntry[];
}

export interface Journal {
  runId: string;
  startedAt: string;
  finishedAt: string;
  environment: string;
  /** The kind of target the run used: the configured one, or `process` after a fallback. */
  target: string;
  /** "containers on Docker 20.10.24 (V1 drill-pipeline-v1:latest, …)", "local processes". */
  targetDescription?: string;
  /** Why the target is not the configured one (a fallback), or what it had to clear first. */
  targetNotice?: string;
  database: string;
  status: RunStatus;
  tests: TestRecord[];
  error?: string;
  /** Problems of the run's own cleanup that did not change a verdict. */
  warnings?: string[];
  /**
   * The Testing Checklist, filled at the end of the run: one section per drill of the run's registry (a
   * drill not selected says so), then the items for the signers. checklist.md and report.html render it.
   */
  checklist?: ChecklistEntry[];
}
