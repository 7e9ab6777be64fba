import type { DrillWorld, TestState } from '../runner/world.ts';
import type { CheckDefinition } from './check.ts';
import { notMeasured, sample } from './measure.ts';

/** What must be exactly as it was: the backup, the history of KPIs. */
export function preRollbackChecks(world: DrillWorld, state: TestState): CheckDefinition[] {
  return [
    {
      id: 'backup-restores',
      title: 'Database backup taken and proven to restore (fingerprints equal)',
      threshold: true,
      comparator: '==',
      measure: () => {
        const r = state.facts.restore;
        if (!r) return notMeasured('the restore proof');
        const ok = r.restored && r.differences === 0 && r.schemaMatches;
        return { value: ok, evidence: r.evidence, ...(ok ? {} : { message: r.error ?? `${r.differences} table(s) differ after restore` }) };
      },
    },
    {
      id: 'pre-rollback-within-budget',
      title: `Pre-rollback checklist within ${world.env.budgets.preRollbackMs / 1000} s`,
      unit: 'ms',
      threshold: world.env.budgets.preRollbackMs,
      comparator: '<=',
      measure: (test) => (test.preRollbackMs === undefined ? notMeasured('the pre-rollback phase') : { value: test.preRollbackMs }),
    },
  ];
}

export function historyCheck(world: DrillWorld, state: TestState): CheckDefinition[] {
  return [
    {
      id: 'history-intact',
      title: 'Historical metrics intact (pre-rollback fingerprints equal)',
      unit: 'rows changed',
      threshold: 0,
      comparator: '<=',
      ...(world.env.history ? {} : { unconfigured: 'history' }),
      measure: () => {
        const r = state.facts.historyComparison;
        if (!r) return notMeasured('historical metrics');
        // A period can differ with no row named (e.g. only its fingerprint moved): still a failure.
        const changed = r.intact ? 0 : Math.max(r.changedRowCount, 1);
        // A person reads this on the checklist: a few rows, each value cut short; the whole list is in the evidence.
        const rows = r.changedRows.map((row) => `${Object.values(row.key).join(' ')}: ${short(row.before)} → ${short(row.after)}`);
        const message = r.intact ? undefined : rows.length ? `${r.changedRowCount} row(s): ${sample(rows, r.changedRowCount, 3)}` : `periods changed: ${sample(r.changedPeriods)}`;
        return { value: changed, evidence: r.evidence, ...(message ? { message } : {}) };
      },
    },
  ];
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'absent';
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
