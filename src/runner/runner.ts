import type { Redactor } from '../redaction/redactor.ts';
import { evaluateCheck, type CheckDefinition } from '../checks/check.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { CleanupStack } from './cleanup-stack.ts';
import type { Evidence } from './evidence.ts';
import type { CheckRecord, StepPhase, StepRecord, TestRecord } from '../journal/journal-types.ts';
import { testStatus } from '../journal/verdict.ts';

export interface StepContext {
  readonly signal: AbortSignal;
  readonly evidence: Evidence;
  /** Queue a cleanup the moment a resource is acquired; it runs in reverse order, always. */
  defer(label: string, fn: () => Promise<unknown> | unknown): void;
  /** Record a fact in the step's journal output. */
  record(key: string, value: unknown): void;
}

/** A drill step is data: an id, a title, its phase and what it does. */
export interface StepDefinition {
  id: string;
  title: string;
  phase: StepPhase;
  run(ctx: StepContext): Promise<void>;
}

export interface DrillPlan {
  id: string;
  title: string;
  steps: StepDefinition[];
  checks: CheckDefinition[];
  /** Runs after the checks and before cleanup, whatever happened (e.g. "rollback verified/failed" notices). */
  finish?(test: TestRecord): Promise<void>;
  /**
   * The runbook's "Rollback Rollback": its steps run, after the checks, when a step of the rollback
   * or verify phase failed (V1 did not come up) or one of `whenChecksFail` failed (V1 failed verification).
   */
  emergency?: { steps: StepDefinition[]; whenChecksFail: string[] };
}

export type DrillEvent =
  | { type: 'test-start'; testId: string; title: string }
  | { type: 'step-start'; testId: string; step: Pick<StepDefinition, 'id' | 'title' | 'phase'>; startedAt: number }
  | { type: 'step-end'; testId: string; record: StepRecord }
  | { type: 'check'; testId: string; record: CheckRecord }
  | { type: 'test-end'; record: TestRecord };

export interface RunTestOptions {
  signal: AbortSignal;
  evidence: Evidence;
  redactor: Redactor;
  onEvent?: (event: DrillEvent) => void;
  clock?: () => number;
  /** Check id → why this environment cannot prove it (`waive` in its config). */
  waivers?: Readonly<Record<string, string>>;
}

/**
 * Runs one drill: its steps in order (a failed step skips the rest), then its checks over the
 * resulting record, then every queued cleanup in reverse — whatever happened before.
 */
export async function runTest(plan: DrillPlan, options: RunTestOptions): Promise<TestRecord> {
  const { signal, evidence, redactor, onEvent = () => undefined, clock = Date.now, waivers = {} } = options;
  const cleanup = new CleanupStack();
  const started = clock();
  const steps: StepRecord[] = [];
  onEvent({ type: 'test-start', testId: plan.id, title: plan.title });

  const run = { stopped: false };
  const runSteps = async (list: StepDefinition[]) => {
    for (const step of list) {
      const stepStart = clock();
      const record: StepRecord = { id: step.id, title: step.title, phase: step.phase, startedAt: new Date(stepStart).toISOString(), durationMs: 0, status: 'skipped' };
      if (run.stopped || signal.aborted) {
        steps.push(record);
        onEvent({ type: 'step-end', testId: plan.id, record });
        continue;
      }
      onEvent({ type: 'step-start', testId: plan.id, step, startedAt: stepStart });
      const output: Record<string, unknown> = {};
      const ctx: StepContext = { signal, evidence, defer: (label, fn) => cleanup.defer(label, fn), record: (k, v) => (output[k] = v) };
      try {
        await untilAborted(step.run(ctx), signal);
        record.status = 'passed';
      } catch (error) {
        record.status = signal.aborted ? 'interrupted' : error instanceof HarnessError ? 'error' : 'failed';
        record.error = redactor.redact(signal.aborted ? `interrupted: ${errorMessage(signal.reason)}` : errorMessage(error));
        run.stopped = true;
      }
      record.durationMs = clock() - stepStart;
      if (Object.keys(output).length > 0) record.output = JSON.parse(redactor.redact(JSON.stringify(output))) as Record<string, unknown>;
      steps.push(record);
      onEvent({ type: 'step-end', testId: plan.id, record });
    }
  };
  await runSteps(plan.steps);

  const test: TestRecord = {
    id: plan.id,
    title: plan.title,
    status: 'passed',
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    steps,
    checks: [],
    cleanup: [],
    evidence: evidence.files,
    ...phaseWindow(steps, 'rollback', 'rollbackMs'),
    ...phaseWindow(steps, 'pre-rollback', 'preRollbackMs'),
  };
  for (const check of plan.checks) {
    const record = await evaluateCheck(check, test, waivers);
    if (record.message) record.message = redactor.redact(record.message);
    test.checks.push(record);
    onEvent({ type: 'check', testId: plan.id, record });
  }
  const trigger = emergencyTrigger(plan, test);
  if (trigger && plan.emergency && !signal.aborted) {
    const first = steps.length;
    run.stopped = false;
    await runSteps(plan.emergency.steps);
    test.incident = incidentOf(trigger, steps.slice(first));
  }
  if (plan.finish) {
    await plan.finish(test).catch((error: unknown) => (test.warnings ??= []).push(redactor.redact(`finishing ${plan.id}: ${errorMessage(error)}`)));
  }
  test.cleanup = (await cleanup.runAll()).map((c) => (c.error ? { ...c, error: redactor.redact(c.error) } : c));
  test.status = testStatus(steps, test.checks);
  test.durationMs = clock() - started;
  onEvent({ type: 'test-end', record: test });
  return test;
}

/** A phase's first step start → last step end, only when every step of the phase passed. */
export function phaseWindow<K extends string>(steps: StepRecord[], phase: StepPhase, key: K): Partial<Record<K, number>> {
  const inPhase = steps.filter((s) => s.phase === phase);
  if (inPhase.length === 0 || inPhase.some((s) => s.status !== 'passed')) return {};
  const first = Date.parse(inPhase[0]!.startedAt);
  const last = inPhase[inPhase.length - 1]!;
  return { [key]: Date.parse(last.startedAt) + last.durationMs - first } as Partial<Record<K, number>>;
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function emergencyTrigger(plan: DrillPlan, test: TestRecord): { id: string; title: string; error: string; at: string } | undefined {
  const step = test.steps.find((s) => s.status === 'failed' && (s.phase === 'rollback' || s.phase === 'verify'));
  if (step) return { id: step.id, title: step.title, error: step.error ?? 'failed', at: new Date(Date.parse(step.startedAt) + step.durationMs).toISOString() };
  const check = test.checks.find((c) => c.status === 'failed' && plan.emergency?.whenChecksFail.includes(c.id));
  if (check) return { id: check.id, title: check.title, error: check.message ?? `${String(check.value)} (threshold ${String(check.threshold)})`, at: new Date().toISOString() };
  return undefined;
}

/** The incident timeline of an emergency path: the failure that triggered it, then each emergency step as it ended. */
function incidentOf(trigger: NonNullable<ReturnType<typeof emergencyTrigger>>, emergency: StepRecord[]): NonNullable<TestRecord['incident']> {
  const end = (step: StepRecord) => new Date(Date.parse(step.startedAt) + step.durationMs).toISOString();
  const error = trigger.error.split('\n')[0]!.replace(/; last log lines:$/, '');
  return {
    trigger: { id: trigger.id, error },
    timeline: [
      { at: trigger.at, event: `${trigger.title}: FAILED — ${error}` },
      ...emergency.map((step) => ({
        at: step.status === 'skipped' ? step.startedAt : end(step),
        event: `${step.title}: ${step.status.toUpperCase()}${step.error ? ` — ${step.error.split('\n')[0]}` : ''}`,
      })),
    ],
    recovered: emergency.length > 0 && emergency.every((step) => step.status === 'passed'),
  };
}
