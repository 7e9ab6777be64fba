import { compareHistory } from '../../database/history.ts';
import type { StepDefinition } from '../runner.ts';
import { need, type DrillWorld, type TestState } from '../world.ts';

/**
 * Historical metrics intact: the fingerprint of every historical period taken before the rollback
 * equals the one after. The latest period is left out: the restored version legitimately
 * recomputes it. Changed rows are named from the export kept before the rollback.
 */
export function compareHistoryStep(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'compare-history',
    title: 'Compare historical KPI rows with their pre-rollback fingerprints',
    phase: 'verify',
    async run(ctx) {
      const before = need(state.facts.history, 'the pre-rollback history snapshot');
      const cfg = need(world.env.history, 'the history config');
      const result = await compareHistory(need(state.databaseUrl, 'the drill database'), cfg, before.snapshot, before.rows, {
        ignorePeriods: before.latestPeriod ? [before.latestPeriod] : [],
      });
      const evidence = await state.evidence.write('history-comparison.json', JSON.stringify(result, null, 2));
      state.facts.historyComparison = { ...result, evidence };
      ctx.record('periodsCompared', result.periodsCompared);
      ctx.record('changedPeriods', result.changedPeriods);
    },
  };
}
