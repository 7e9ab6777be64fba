import { reconcileRecords } from '../../database/record-accounting.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import type { StepPhase } from '../../journal/journal-types.ts';
import { need, type AccountingFacts, type DrillWorld, type TestState } from '../../runner/world.ts';

/** Zero data loss, computed in the database: every source key processed or quarantined. */
export async function accountRecords(world: DrillWorld, state: TestState, evidenceName: string): Promise<AccountingFacts> {
  const accounting = need(world.env.accounting, 'the accounting config');
  const result = await reconcileRecords(need(state.databaseUrl, 'the drill database'), accounting, { sampleSize: 10 });
  const evidence = await state.evidence.write(evidenceName, JSON.stringify(result, null, 2));
  return {
    sourceKeys: result.sourceKeys,
    missingKeys: result.missingKeys,
    missingSample: result.missingSample,
    doublyAccounted: result.doublyAccounted,
    unexpectedKeys: result.unexpectedKeys,
    evidence,
  };
}

export function accountRecordsAfter(world: DrillWorld, state: TestState): StepDefinition {
  return accountRecordsStep(world, state, 'accountingAfter', 'account-records', 'Account for every source record (processed or quarantined), in the database', 'verify');
}

export function accountRecordsStep(
  world: DrillWorld,
  state: TestState,
  fact: 'accountingAfter' | 'accountingForward',
  id: string,
  title: string,
  phase: StepPhase,
): StepDefinition {
  return {
    id,
    title,
    phase,
    async run(ctx) {
      await state.facts.cutover;
      const facts = await accountRecords(world, state, fact === 'accountingAfter' ? 'accounting-after.json' : 'accounting-forward.json');
      state.facts[fact] = facts;
      ctx.record('sourceKeys', facts.sourceKeys);
      ctx.record('missingKeys', facts.missingKeys);
      ctx.record('evidence', facts.evidence);
    },
  };
}
