import { z } from 'zod';
import { telemetrySourceSchema } from '../telemetry/prometheus-schema.ts';
import { telemetryMetricsSchema } from '../telemetry/telemetry-metrics.ts';
import { criteriaOverridesSchema } from './criteria-overrides.ts';

/**
 * An environment's `decision`: the decision criteria (src/criteria) as it applies them — the seed's
 * thresholds with overrides — and where the telemetry they read comes from: the service's /metrics
 * series the harness scrapes (`metrics`), or Prometheus (`telemetry: { kind: 'prometheus', … }`).
 */
export const decisionSchema = criteriaOverridesSchema.extend({
  metrics: telemetryMetricsSchema.prefault({}),
  /** `scrape` (the default): the harness scrapes the service's /metrics; `prometheus`: PromQL against the user's Prometheus. */
  telemetry: telemetrySourceSchema,
  /** One telemetry sample every intervalMs while V2 runs (Prometheus is queried every telemetry.stepMs of them). */
  intervalMs: z.number().int().positive().default(500),
  /** SQL run on the test's database every interval to tell whether the data source answers (`dependencies.source`). */
  sourceProbeQuery: z.string().min(1).optional(),
});

export type DecisionConfig = z.output<typeof decisionSchema>;
