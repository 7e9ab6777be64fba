import type { CheckRecord, CheckStatus, TestRecord } from '../journal/journal-types.ts';
import { errorMessage } from '../errors.ts';
import { compare, type Comparator } from '../util/compare.ts';

export type { Comparator } from '../util/compare.ts';

/** What a measure returns: a value, or `undefined` when there is nothing to measure (inconclusive). */
export interface Measurement {
  value: number | boolean | undefined;
  evidence?: string;
  message?: string;
}

/** A check is data: what to measure, the threshold, how to compare. One function evaluates them all. */
export interface CheckDefinition {
  id: string;
  title: string;
  unit?: string;
  threshold: number | boolean;
  comparator: Comparator;
  measure(test: TestRecord): Measurement | Promise<Measurement>;
  /**
   * The config field this environment lacks for the check (`accounting`, `validation.outputs`): the
   * check cannot be proven. Unless the environment waives it, the run stops before anything starts.
   */
  unconfigured?: string;
}

/**
 * passed | failed when a value was measured; inconclusive when there was nothing to measure
 * (e.g. the rollback never finished, so it has no duration); error when measuring threw
 * (Argo's analysis semantics: a broken measurement is not a failed rollback).
 */
export async function evaluateCheck(check: CheckDefinition, test: TestRecord, waivers: Readonly<Record<string, string>> = {}): Promise<CheckRecord> {
  const base = { id: check.id, title: check.title, threshold: check.threshold, ...(check.unit ? { unit: check.unit } : {}) };
  const waived = waivers[check.id];
  if (waived !== undefined) return { ...base, status: 'waived', value: null, message: `waived: ${waived}` };
  // Preflight stops a run with an unconfigured check that is not waived: reaching here is a programming error.
  if (check.unconfigured) return { ...base, status: 'error', value: null, message: `internal: ${check.unconfigured} is not configured and the check is not waived` };
  let measured: Measurement;
  try {
    measured = await check.measure(test);
  } catch (error) {
    return { ...base, status: 'error', value: null, message: errorMessage(error) };
  }
  const extra = { ...(measured.evidence ? { evidence: measured.evidence } : {}), ...(measured.message ? { message: measured.message } : {}) };
  if (measured.value === undefined) return { ...base, status: 'inconclusive', value: null, ...extra };
  const status: CheckStatus = compare(measured.value, check.comparator, check.threshold) ? 'passed' : 'failed';
  return { ...base, status, value: measured.value, ...extra };
}
