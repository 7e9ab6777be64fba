/**
 * Every check any drill can emit, as data: what it compares, where its threshold comes from, the config it
 * needs, and `provenBy` — the test (file › name) in which a named fault makes it fail in a real drill. A
 * check no fault can fail is a defect: a unit test (catalog.test.ts) fails when a check has no such proof,
 * when a plan emits an id that is not here, or when a provenBy names a test that does not exist.
 * `drill checks --json` prints this list; docs/checks.md is generated from it.
 */

export type TestId = 'dry-run' | 'data-validation' | 'rollback-time' | 'roll-forward';

export interface CheckInfo {
  /** The id, or a family `step-budget:<step>` (one check per configured step budget). */
  id: string;
  tests: TestId[];
  compares: string;
  threshold: string;
  /** The config field the check needs (absent: it is always measured); not configured → configure or waive. */
  needs?: string;
  /** The fault that makes it fail, in a few words. */
  fault: string;
  /** `<test file> › <test name>`: a test that runs in `npm test` and shows the check failing. */
  provenBy: string;
}

const matrix = (name: string) => `test/check-matrix.int.test.ts › ${name}`;
// Drills that prove several checks at once, each failing for its own reason.
const A =
  'v1-phases-executed, v1-no-error-logs, v1-outputs-published and metrics-restored fail with abaco V1 phase-failed:kpis, error-log, no-publish, delete-latest-kpi-after-run';
const B = 'v1-kpis-produced and v1-outputs-written fail with abaco V1 no-kpi-rows, no-outputs';
const DROP = 'v2-no-data-loss, zero-data-loss and same-records-v1-v2 fail with abaco V2 drop-one, naming the key';

export const checkCatalog: readonly CheckInfo[] = [
  {
    id: 'failure-detected',
    tests: ['dry-run'],
    compares: 'whether the decision criteria called for the rollback after the simulated failure, within the observation window',
    threshold: 'true, within failure.observeTimeoutMs (60 000 ms)',
    needs: 'failure',
    fault: 'a harmless SQL statement as the failure: nothing for the criteria to detect',
    provenBy: matrix('failure-detected fails when the simulated failure is not one the criteria can see'),
  },
  {
    id: 'rollback-within-budget',
    tests: ['dry-run', 'data-validation', 'rollback-time'],
    compares: 'the rollback window: "stop V2" issued → V1 healthy and its first KPI run validated',
    threshold: 'budgets.rollbackMs (300 000 ms)',
    fault: 'V2 ignores SIGTERM, its grace period (3 s) exceeds a 2 s rollback budget',
    provenBy: matrix('rollback-within-budget and step-budget:stop-v2 fail when V2 ignores SIGTERM past the budget'),
  },
  {
    id: 'step-budget:<step>',
    tests: ['dry-run', 'data-validation', 'rollback-time', 'roll-forward'],
    compares: "one step's duration (budgets.steps names the step)",
    threshold: 'budgets.steps.<step>',
    fault: 'V2 ignores SIGTERM: stop-v2 lasts its whole grace period',
    provenBy: matrix('rollback-within-budget and step-budget:stop-v2 fail when V2 ignores SIGTERM past the budget'),
  },
  {
    id: 'pre-rollback-within-budget',
    tests: ['dry-run', 'data-validation'],
    compares: "the runbook's pre-rollback checklist: notify, backup, restore proof, exports, system state",
    threshold: 'budgets.preRollbackMs (120 000 ms)',
    fault: 'a pg_dump that takes 3 s more, against a 2 s budget',
    provenBy: matrix('pre-rollback-within-budget fails when the backup is slower than the budget'),
  },
  {
    id: 'backup-restores',
    tests: ['dry-run', 'data-validation'],
    compares: 'the backup restored into a scratch database: every table fingerprint equal to the one saved with it',
    threshold: 'true',
    fault: 'a truncated dump',
    provenBy: 'drills/negative-proofs.drill.test.ts › stops before the rollback when the backup does not restore (a truncated dump)',
  },
  ...[
    ['v1-health-ok', "V1's health check after the rollback", 'true', 'abaco V1 unhealthy-after-run', 'v1-health-ok and v1-operational fail with abaco V1 unhealthy-after-run'],
    ['v1-phases-executed', 'each configured pipeline phase executing (health answer, query or log)', 'every phase in verification.phases', 'abaco V1 phase-failed:kpis', A],
    ['v1-kpis-produced', "KPI rows V1's validation run wrote (or, incremental with nothing new, the whole KPI set)", '≥ 1 row', 'abaco V1 no-kpi-rows', B],
    ['v1-outputs-written', "output files V1's validation run wrote, each decoded in its format", '≥ 1 file, none unreadable', 'abaco V1 no-outputs', B],
    ['v1-outputs-published', 'every output file V1 wrote is in the blob container, same path and size', '0 missing', 'abaco V1 no-publish', A],
    ['v1-no-error-logs', "lines of V1's log matching verification.errorLogPattern", '0 lines', 'abaco V1 error-log', A],
    [
      'v1-db-connectivity',
      'database connectivity as V1 sees it (its health answer, its session, or its run)',
      'true',
      'abaco V1 db-lost-after-run',
      'v1-db-connectivity fails with abaco V1 db-lost-after-run',
    ],
    [
      'v1-operational',
      'every post-rollback verification item above passed',
      'true',
      'abaco V1 unhealthy-after-run',
      'v1-health-ok and v1-operational fail with abaco V1 unhealthy-after-run',
    ],
  ].map(
    ([id, compares, threshold, fault, test]): CheckInfo => ({
      id: id!,
      tests: ['dry-run', 'roll-forward'],
      compares: compares!,
      threshold: threshold!,
      ...(id === 'v1-kpis-produced'
        ? { needs: 'validation.kpiRows' }
        : id === 'v1-outputs-written'
          ? { needs: 'validation.outputs' }
          : id === 'v1-outputs-published'
            ? { needs: 'blob' }
            : id === 'v1-phases-executed'
              ? { needs: 'verification.phases' }
              : {}),
      fault: fault!,
      provenBy: matrix(test!),
    }),
  ),
  {
    id: 'metrics-restored',
    tests: ['dry-run'],
    compares: 'every KPI point V2 had produced, after the rollback: present, and unchanged outside the periods V1 recomputes',
    threshold: '0 points missing or changed (kpis.tolerance)',
    needs: 'kpis',
    fault: 'abaco V1 delete-latest-kpi-after-run',
    provenBy: matrix(A),
  },
  {
    id: 'v2-no-data-loss',
    tests: ['dry-run', 'data-validation'],
    compares:
      'before the rollback, every source key V2 was asked to handle (the keys there were when the harness asked for its run) processed or quarantined, by key; the same count feeds the decision criteria (data-loss)',
    threshold: '0 keys lost',
    needs: 'accounting',
    fault: 'abaco V2 drop-one (and drop-one:latest)',
    provenBy: matrix(DROP),
  },
  {
    id: 'zero-data-loss',
    tests: ['dry-run', 'data-validation'],
    compares: 'after the rollback, every source key processed or quarantined (by key, in the database)',
    threshold: '0 missing keys',
    needs: 'accounting',
    fault: 'abaco V2 drop-one (V1 does not pick up what V2 silently passed)',
    provenBy: matrix(DROP),
  },
  {
    id: 'same-records-v1-v2',
    tests: ['data-validation'],
    compares: 'V1 from scratch on data set D vs V2 on D: the same keys processed with the same values, the same keys quarantined',
    threshold: '0 records',
    needs: 'accounting',
    fault: 'orders V2 reject-valid (a valid order only V2 quarantines)',
    provenBy: matrix('same-records-v1-v2 fails with orders V2 reject-valid, naming the order'),
  },
  {
    id: 'records-accounted-once',
    tests: ['dry-run', 'data-validation'],
    compares: 'no key processed twice, quarantined twice, both processed and quarantined, or unknown to the source',
    threshold: '0 keys',
    needs: 'accounting',
    fault: 'orders V2 duplicate (one order processed twice)',
    provenBy: matrix('records-accounted-once fails with orders V2 duplicate, naming the order'),
  },
  {
    id: 'record-values-match',
    tests: ['dry-run', 'data-validation'],
    compares: "each processed record's configured value columns against the source's, a typed hash per key",
    threshold: '0 keys',
    needs: 'accounting.valueColumns',
    fault: 'abaco V2 wrong-value (one payment loaded 0.01 off)',
    provenBy: matrix('record-values-match fails with abaco V2 wrong-value, naming the key and both values'),
  },
  {
    id: 'cutover-gap-processed',
    tests: ['dry-run', 'data-validation'],
    compares: 'each record that arrived while V2 was down (keys not there before the rollback), processed or quarantined by V1',
    threshold: '0 keys lost',
    needs: 'accounting and cutover',
    fault: 'orders V1 drop-one',
    provenBy: matrix('cutover-gap-processed fails with orders V1 drop-one'),
  },
  {
    id: 'history-intact',
    tests: ['dry-run', 'data-validation'],
    compares: 'per-period fingerprints of the KPI history before and after the rollback (history.mayChange aside)',
    threshold: '0 rows changed',
    needs: 'history',
    fault: 'a historical row changed behind the pipeline’s back',
    provenBy: 'drills/negative-proofs.drill.test.ts › fails "historical metrics intact" when a historical row is changed behind the pipeline’s back, naming the row',
  },
  {
    id: 'kpi-variance',
    tests: ['data-validation'],
    compares: 'V1 from scratch on data set D vs V2 on D, per KPI × as-of × segment',
    threshold: '0 points beyond kpis.tolerance (1%), or kpis.absoluteTolerance near zero',
    needs: 'kpis',
    fault: 'abaco V2 kpi-skew:2',
    provenBy: 'drills/negative-proofs.drill.test.ts › fails on a 2% KPI skew, naming KPI, as-of, segment and both values',
  },
  {
    id: 'no-missing-data-points',
    tests: ['data-validation'],
    compares: 'KPI points present in one version and not the other, duplicated or non-numeric',
    threshold: '0 points',
    needs: 'kpis',
    fault: 'abaco V2 omit-kpi:par30',
    provenBy: matrix('no-missing-data-points fails with abaco V2 omit-kpi:par30'),
  },
  {
    id: 'v2-redeployed',
    tests: ['roll-forward'],
    compares: 'V2 re-deployed on V1’s state: healthy and through a complete run',
    threshold: 'true',
    fault: 'abaco V2 refuse-after-v1',
    provenBy: matrix('v2-redeployed fails with abaco V2 refuse-after-v1'),
  },
  {
    id: 'v2-rerun-recomputed',
    tests: ['roll-forward'],
    compares: "KPI points V2's re-run recomputed (kpis.recomputed)",
    threshold: '≥ 1 point',
    needs: 'kpis and cutover',
    fault: 'orders V2 skip-backlog',
    provenBy: matrix('v2-rerun-recomputed and no-skipped-records fail with orders V2 skip-backlog'),
  },
  {
    id: 'consistent-outputs',
    tests: ['roll-forward'],
    compares: "V2's re-run (picked up from V1's state) vs V2 from scratch on the same data, per KPI point",
    threshold: '0 points beyond kpis.tolerance',
    needs: 'kpis',
    fault: 'orders V2 reprocess-all',
    provenBy: matrix('consistent-outputs and no-reprocessing fail with orders V2 reprocess-all'),
  },
  {
    id: 'forward-no-missing-points',
    tests: ['roll-forward'],
    compares: "KPI points missing in V2's re-run compared with V2 from scratch",
    threshold: '0 points',
    needs: 'kpis',
    fault: 'orders V2 delete-day-on-start',
    provenBy: matrix('forward-no-missing-points fails with orders V2 delete-day-on-start'),
  },
  {
    id: 'no-skipped-records',
    tests: ['roll-forward'],
    compares: 'after V2 picked up again, every source key (those that arrived under V1 included) processed or quarantined',
    threshold: '0 keys skipped',
    needs: 'accounting and cutover',
    fault: 'orders V2 skip-backlog',
    provenBy: matrix('v2-rerun-recomputed and no-skipped-records fail with orders V2 skip-backlog'),
  },
  {
    id: 'no-reprocessing',
    tests: ['roll-forward'],
    compares: 'keys processed more than once after V2 picked up from V1',
    threshold: '0 keys',
    needs: 'accounting and cutover',
    fault: 'abaco V2 reprocess-after-v1 (and orders V2 reprocess-all)',
    provenBy: matrix('no-reprocessing fails with abaco V2 reprocess-after-v1, naming the keys'),
  },
  {
    id: 'schema-unchanged',
    tests: ['roll-forward'],
    compares: 'the fingerprint of the schemas and constraints before the rollback and after the roll-forward',
    threshold: 'equal',
    fault: 'a SQL statement run after V2 is re-deployed drops a constraint',
    provenBy: matrix('schema-unchanged fails when a constraint is dropped during the roll-forward'),
  },
];

/** Whether `id` is a check of the catalog (a step budget's id matches its family). */
export function isKnownCheck(id: string): boolean {
  return checkCatalog.some((c) => c.id === id || (c.id === 'step-budget:<step>' && id.startsWith('step-budget:')));
}

/** docs/checks.md, generated from the catalog (`npm run docs` writes it; a unit test keeps it current). */
export function catalogMarkdown(catalog: readonly CheckInfo[] = checkCatalog): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    '# Checks',
    '',
    'Every check a drill can emit: what it compares, where its threshold comes from, the configuration it needs, and',
    'the test in which a named fault makes it fail in a real drill (`npx drill checks --json` prints the same list).',
    'A check this environment cannot prove is configured or waived (`waive: { <id>: <reason> }`): never silently',
    'skipped. _Generated from `src/checks/catalog.ts` by `npm run docs`; do not edit by hand._',
    '',
    '| check | tests | compares | threshold | needs | fault that fails it | proven by |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...catalog.map(
      (c) =>
        `| \`${c.id}\` | ${c.tests.join(', ')} | ${cell(c.compares)} | ${cell(c.threshold)} | ${c.needs ? `\`${c.needs}\`` : '—'} | ${cell(c.fault)} | \`${cell(c.provenBy)}\` |`,
    ),
    '',
  ].join('\n');
}
