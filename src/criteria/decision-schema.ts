import { z } from 'zod';
import { telemetrySourceSchema } from '../telemetry/prometheus-schema.ts';
import { telemetryMetricsSchema } from '../telemetry/telemetry-metrics.ts';
import { criteriaOverridesSchema } from './criteria-overrides.ts';

/**
 * An environment's `decision`: the decision criteria (src/criteria) as it applies them — the seed's
 * thresholds with overrides — and where the telemetry they read comes from: the service's /metrics
 * series the harness scrapes (`metrics`), or Prometheus (`telemetry: { kind: 'prometheus', … }`).
 */
export const decisionSchema = criteriaOverridesSchema
  .extend({
    metrics: telemetryMetricsSchema.prefault({}).describe("Which series of the service's /metrics feed which telemetry field (with `telemetry: { kind: 'scrape' }`)."),
    telemetry: telemetrySourceSchema.describe("`scrape` (the default): the harness scrapes the service's /metrics; `prometheus`: PromQL against the user's Prometheus."),
    intervalMs: z.number().int().positive().default(500).describe('One telemetry sample every intervalMs while V2 runs (Prometheus is queried every telemetry.stepMs of them).'),
    sourceProbeQuery: z.string().min(1).optional().describe("SQL run on the test's database every interval to tell whether the data source answers (`dependencies.source`)."),
  })
  .describe(
    "The decision criteria as this environment applies them (the seed's thresholds with overrides), and where the telemetry they read comes from (docs/decision-criteria.md).",
  );

export type DecisionConfig = z.output<typeof decisionSchema>;
