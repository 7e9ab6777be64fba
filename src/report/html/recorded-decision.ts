import type { StepRecord } from '../../journal/journal-types.ts';

/** What the dry-run's `observe-failure` step records of the decision (src/drills/steps/observe-failure.ts). */
export interface RecordedDecision {
  decision: string;
  fired: Array<{ id: string; title: string; value: unknown; threshold: unknown; firstHeldAt: string; firedAt: string }>;
  heldBack: string[];
  timeToDetectMs?: number;
  telemetrySamples?: number;
  evidence?: string;
}

/**
 * Read defensively: step outputs are untyped facts, and a journal written before the drill
 * evaluated the criteria has none of them — undefined then, never a guess.
 */
export function decisionOf(step: StepRecord): RecordedDecision | undefined {
  const out = step.output;
  const decision = out?.['decision'];
  const fired = out?.['fired'];
  if (typeof decision !== 'string' || !Array.isArray(fired)) return undefined;
  const valid = fired.filter(
    (f): f is RecordedDecision['fired'][number] =>
      !!f && typeof f === 'object' && ['id', 'title', 'firstHeldAt', 'firedAt'].every((k) => typeof (f as Record<string, unknown>)[k] === 'string'),
  );
  const heldBack = Array.isArray(out?.['heldBack']) ? (out['heldBack'] as unknown[]).filter((h): h is string => typeof h === 'string') : [];
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const timeToDetectMs = num(out?.['timeToDetectMs']);
  const telemetrySamples = num(out?.['telemetrySamples']);
  const evidence = typeof out?.['evidence'] === 'string' ? out['evidence'] : undefined;
  return {
    decision,
    fired: valid,
    heldBack,
    ...(timeToDetectMs === undefined ? {} : { timeToDetectMs }),
    ...(telemetrySamples === undefined ? {} : { telemetrySamples }),
    ...(evidence === undefined ? {} : { evidence }),
  };
}
