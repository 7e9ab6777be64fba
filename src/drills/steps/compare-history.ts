import { compareHistory, periodsThatMayChange, periodsTouchedBy } from '../../database/history.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { need, type DrillWorld, type TestState } from '../../runner/world.ts';

/**
 * Historical metrics intact: the fingerprint of every historical period taken before the rollback
 * equals the one after — except the periods that may legitimately change during a drill (history's
 * `mayChange`: the latest N, those from an expression on, or those the arrived records fall in).
 * Changed rows are named from the export kept before the rollback.
 */
export function compareHistoryStep(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'compare-history',
    title: 'Compare historical KPI rows with their pre-rollback fingerprints',
    phase: 'verify',
    async run(ctx) {
      const before = need(state.facts.history, 'the pre-rollback history snapshot');
      const cfg = need(world.env.history, 'the history config');
      const dsn = need(state.databaseUrl, 'the drill database');
      const touched = await periodsTouchedBy(dsn, cfg, state.facts.arrivedKeys ?? []);
      const ignorePeriods = periodsThatMayChange(cfg, before.snapshot, touched);
      state.facts.mayChange = new Set(ignorePeriods);
      const result = await compareHistory(dsn, cfg, before.snapshot, before.rows, { ignorePeriods });
      const evidence = await state.evidence.write('history-comparison.json', JSON.stringify(result, null, 2));
      state.facts.historyComparison = { ...result, evidence };
      ctx.record('periodsCompared', result.periodsCompared);
      ctx.record('mayChange', ignorePeriods);
      ctx.record('changedPeriods', result.changedPeriods);
    },
  };
}
