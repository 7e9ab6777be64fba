import { keysSince, renameSnapshot, restrictTo, sameKeysAsSnapshot, snapshotKeys } from '../../database/key-snapshot.ts';
import { reconcileRecords, type RecordAccounting } from '../../database/record-accounting.ts';
import { compareSides, type SampledRow, type SideComparison } from '../../database/reconcile/compare-sides.ts';
import type { StepPhase } from '../../journal/journal-types.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { need, type AccountingFacts, type DrillWorld, type TestState } from '../../runner/world.ts';

/**
 * Zero data loss, measured in the database at the three points docs/checks.md names, each by key and value,
 * multiplicity counted:
 *  (a) V2 before the rollback: every source key V2 should have handled by the end of the run the harness
 *      asked it for (the keys there were when it asked: `_drill.v2_run_keys`) is processed or quarantined;
 *  (b) after the rollback: every key, each cutover arrival included (by key: those not in the keys there
 *      were before the rollback, `_drill.pre_rollback_keys`);
 *  (c) V1 vs V2 on the same data (Test 2): the same keys processed with the same values, the same
 *      keys quarantined.
 */

const sampleSize = 10;

/** Before the harness asks V2 for its run: the keys that run must handle. */
export async function snapshotV2RunKeys(world: DrillWorld, state: TestState): Promise<number | undefined> {
  const accounting = world.env.accounting;
  if (!accounting) return undefined;
  const snapshot = await snapshotKeys(need(state.databaseUrl, 'the drill database'), accounting.sourceKeysQuery, 'v2_run_keys');
  state.facts.v2RunKeys = snapshot.table;
  return snapshot.keys;
}

/** (a), then the snapshot of the keys there are before the rollback: recorded by record-system-state. */
export async function accountBeforeRollback(world: DrillWorld, state: TestState): Promise<AccountingFacts> {
  const accounting = need(world.env.accounting, 'the accounting config');
  const dsn = need(state.databaseUrl, 'the drill database');
  const baseline = state.facts.v2RunKeys;
  // Only the keys V2 was asked to handle: what arrived after its last completed run is not yet its to lose.
  // Where nothing arrived since (the source holds exactly those keys), restricting the query to them changes
  // nothing but its cost, and the query is accounted as it is.
  const restrict = baseline !== undefined && !(await sameKeysAsSnapshot(dsn, accounting.sourceKeysQuery, baseline));
  const scoped = restrict ? { ...accounting, sourceKeysQuery: restrictTo(accounting.sourceKeysQuery, baseline, 'in') } : accounting;
  const scope = baseline === undefined ? 'every source key' : `the ${baseline} keys V2 was asked to handle${restrict ? '' : ' (the source holds exactly those keys)'}`;
  const facts = await account(dsn, scoped, state, 'accounting-before.json', scope);
  if (restrict || baseline === undefined) state.facts.preRollbackKeys = (await snapshotKeys(dsn, accounting.sourceKeysQuery, 'pre_rollback_keys')).table;
  else {
    // The keys before the rollback are those V2 was asked to handle: one table, known by its new name to both.
    const table = await renameSnapshot(dsn, baseline, 'pre_rollback_keys');
    state.facts.v2RunKeys = table;
    state.facts.preRollbackKeys = table;
  }
  return facts;
}

/** (b) after the rollback, and the arrivals of the cutover by key; (b) after a roll-forward. */
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
      const accounting = need(world.env.accounting, 'the accounting config');
      const dsn = need(state.databaseUrl, 'the drill database');
      const facts = await account(dsn, accounting, state, fact === 'accountingAfter' ? 'accounting-after.json' : 'accounting-forward.json', 'every source key');
      state.facts[fact] = facts;
      ctx.record('sourceKeys', facts.sourceKeys);
      ctx.record('missingKeys', facts.missingKeys);
      ctx.record('evidence', facts.evidence);
      const before = state.facts.preRollbackKeys;
      if (fact === 'accountingAfter' && before && state.facts.cutoverRan) {
        // Every record that arrived while V2 was down, by key: never a difference of two counts.
        const arrived = await account(
          dsn,
          { ...accounting, sourceKeysQuery: restrictTo(accounting.sourceKeysQuery, before, 'not in') },
          state,
          'accounting-arrivals.json',
          'the keys that arrived during the cutover',
        );
        state.facts.accountingArrivals = arrived;
        state.facts.arrivedKeys = await keysSince(dsn, accounting.sourceKeysQuery, before, 10_000);
        ctx.record('arrivedKeys', arrived.sourceKeys);
        ctx.record('arrivedMissing', arrived.missingKeys);
      }
    },
  };
}

export function accountRecordsAfter(world: DrillWorld, state: TestState): StepDefinition {
  return accountRecordsStep(
    world,
    state,
    'accountingAfter',
    'account-records',
    'Account for every source record (processed or quarantined, by key and value), in the database',
    'verify',
  );
}

/** (c): V2's processed and quarantined records (of the keys it was asked to handle) against V1's on the same data. */
export function compareVersionRecords(world: DrillWorld, state: TestState): StepDefinition {
  return {
    id: 'compare-version-records',
    title: 'Compare the records V1 and V2 processed and quarantined on the same data (keys and values)',
    phase: 'verify',
    async run(ctx) {
      const accounting = need(world.env.accounting, 'the accounting config');
      const v2 = need(state.databaseUrl, 'the drill database');
      const v1 = need(state.facts.sameData, "V1's run on the same data").databaseUrl;
      const baseline = need(state.facts.v2RunKeys, 'the keys V2 was asked to handle');
      const scope = (sql: string) => restrictTo(sql, baseline, 'in');
      const common = { buckets: accounting.buckets, sampleSize, multiplicity: accounting.multiplicity };
      const [processed, quarantined] = await Promise.all([
        compareSides(
          { name: 'V2', target: v2, queries: [{ tag: 'processed', sql: scope(accounting.processedKeysQuery), what: 'V2 processedKeysQuery' }] },
          { name: 'V1', target: v1, queries: [{ tag: 'processed', sql: accounting.processedKeysQuery, what: 'V1 processedKeysQuery' }] },
          { ...common, valueColumns: accounting.valueColumns, what: 'processed records of V2 and V1' },
        ),
        compareSides(
          { name: 'V2', target: v2, queries: [{ tag: 'quarantined', sql: scope(accounting.quarantinedKeysQuery), what: 'V2 quarantinedKeysQuery' }] },
          { name: 'V1', target: v1, queries: [{ tag: 'quarantined', sql: accounting.quarantinedKeysQuery, what: 'V1 quarantinedKeysQuery' }] },
          { ...common, what: 'quarantined records of V2 and V1' },
        ),
      ]);
      const evidence = await state.evidence.write('records-v1-vs-v2.json', JSON.stringify({ processed, quarantined }, null, 2));
      const differences = [...describeSides('processed', processed), ...describeSides('quarantined', quarantined)];
      state.facts.versionRecords = { differences: differences.reduce((n, d) => n + d.count, 0), lines: differences.map((d) => d.line), evidence };
      ctx.record('differences', state.facts.versionRecords.differences);
      ctx.record('evidence', evidence);
    },
  };
}

function describeSides(what: string, c: SideComparison): Array<{ count: number; line: string }> {
  const out: Array<{ count: number; line: string }> = [];
  if (c.onlyLeft.count) out.push({ count: c.onlyLeft.count, line: `${c.onlyLeft.count} ${what} by V2 only (${c.onlyLeft.sample.slice(0, 3).join(', ')})` });
  if (c.onlyRight.count) out.push({ count: c.onlyRight.count, line: `${c.onlyRight.count} ${what} by V1 only (${c.onlyRight.sample.slice(0, 3).join(', ')})` });
  if (c.valueMismatches.count)
    out.push({
      count: c.valueMismatches.count,
      line: `${c.valueMismatches.count} ${what} with other values (${c.valueMismatches.sample
        .slice(0, 2)
        .map((s) => `${s.key}: V2 ${rowText(s.left)} vs V1 ${rowText(s.right)}`)
        .join('; ')})`,
    });
  const repeated = c.repeated.left.count + c.repeated.right.count;
  if (repeated) out.push({ count: repeated, line: `${repeated} key(s) ${what} more than once by one version` });
  return out;
}

/** One reconciliation, its evidence written, its facts for the checks. */
async function account(dsn: string, accounting: NonNullable<DrillWorld['env']['accounting']>, state: TestState, evidenceName: string, scope: string): Promise<AccountingFacts> {
  const result = await reconcileRecords(dsn, accounting, { sampleSize });
  const evidence = await state.evidence.write(evidenceName, JSON.stringify({ scope, ...result }, null, 2));
  return factsOf(result, evidence, scope);
}

function factsOf(r: RecordAccounting, evidence: string, scope: string): AccountingFacts {
  return {
    scope,
    sourceKeys: r.sourceKeys,
    missingKeys: r.missingKeys,
    missingSample: r.missingSample,
    unexpectedKeys: r.unexpectedKeys,
    unexpectedSample: r.unexpectedSample,
    doublyAccounted: r.doublyAccounted,
    processedTwice: r.processedTwice,
    quarantinedTwice: r.quarantinedTwice,
    repeatedSample: [...r.doublySample, ...r.processedTwiceSample.map((s) => s.key), ...r.quarantinedTwiceSample.map((s) => s.key)].slice(0, sampleSize),
    valueMismatches: r.valueMismatches,
    valueSample: r.valueMismatchSample.map((s) => `${s.key}: source ${rowText(s.source)} → processed ${rowText(s.processed)}`),
    nullSourceKeys: r.nullSourceKeys,
    duplicateSourceKeys: r.duplicateSourceKeys,
    valueColumns: r.valueColumns,
    evidence,
  };
}

function rowText(rows: SampledRow[]): string {
  return (
    rows
      .map((row) =>
        Object.entries(row.values)
          .map(([k, v]) => `${k}=${v ?? 'null'}`)
          .join(' '),
      )
      .join(' | ') || 'absent'
  );
}
