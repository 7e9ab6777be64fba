import type { Journal } from '../../src/journal/journal-types.ts';

/**
 * A hand-built journal for reporter tests: one passing test, one failed test whose messages carry
 * every character that breaks XML or JSON naively, and one inconclusive test. Built by hand, not
 * by running a drill, so the reporter tests stay pure and fast.
 */
export function sampleJournal(): Journal {
  return {
    runId: '20260102-030405-abcd',
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:09:05.500Z',
    environment: 'staging',
    target: 'process',
    database: 'embedded postgres 15 (127.0.0.1:54321/drill)',
    status: 'failed',
    tests: [
      {
        id: 'rollback-time',
        title: 'Rollback time measurement',
        status: 'passed',
        startedAt: '2026-01-02T03:04:05.100Z',
        durationMs: 42_250,
        rollbackMs: 12_400,
        steps: [
          { id: 'deploy-v2', title: 'Deploy V2', phase: 'setup', startedAt: '2026-01-02T03:04:05.100Z', durationMs: 1_500, status: 'passed' },
          { id: 'stop-v2', title: 'Stop V2', phase: 'rollback', startedAt: '2026-01-02T03:04:06.600Z', durationMs: 412, status: 'passed', output: { escalatedToKill: false } },
          { id: 'start-v1', title: 'Start V1', phase: 'rollback', startedAt: '2026-01-02T03:04:07.012Z', durationMs: 3_020, status: 'passed' },
        ],
        checks: [
          {
            id: 'rollback-within-budget',
            title: 'Rollback within budget',
            status: 'passed',
            value: 12_400,
            threshold: 300_000,
            unit: 'ms',
            evidence: 'rollback-time/timings.json',
          },
        ],
        cleanup: [{ label: 'stop V1', status: 'passed', durationMs: 80 }],
        evidence: ['rollback-time/timings.json', 'rollback-time/v2-final.log', 'rollback-time/missing.txt', '../outside-run.txt'],
      },
      {
        id: 'data-validation',
        title: 'Data validation <V1 & V2>',
        status: 'failed',
        startedAt: '2026-01-02T03:05:00.000Z',
        durationMs: 61_000,
        steps: [
          { id: 'run-v2', title: 'Run V2 to completion', phase: 'setup', startedAt: '2026-01-02T03:05:00.000Z', durationMs: 20_000, status: 'passed' },
          {
            id: 'stop-v2',
            title: 'Stop V2',
            phase: 'rollback',
            startedAt: '2026-01-02T03:05:20.000Z',
            durationMs: 30_000,
            status: 'failed',
            error: 'V2 still running after 30000 ms (pid 4242)\n\u001b[31mkill -TERM ignored\u001b[0m \u0000 "quoted" & <tag> \'apos\' ]]> \uD800 lone surrogate',
          },
          { id: 'start-v1', title: 'Start V1', phase: 'rollback', startedAt: '2026-01-02T03:05:50.000Z', durationMs: 0, status: 'skipped' },
        ],
        checks: [
          {
            id: 'kpi-variance',
            title: 'KPI variance < 1%',
            status: 'failed',
            value: 3,
            threshold: 0,
            unit: 'points out of tolerance',
            message: '480 KPI points compared, 3 out of tolerance (1.00%, or ±0.000001 near zero); worst: outstanding_principal 2026-01-01 retail: V1 102.75 vs V2 100 (2.75%)',
            evidence: 'data-validation/kpi-diff.csv',
          },
          {
            id: 'zero-data-loss',
            title: 'Zero data loss',
            status: 'error',
            value: null,
            threshold: 0,
            message: 'could not count ledger rows: relation "processed_records" does not exist',
          },
          {
            id: 'historical-intact',
            title: 'Historical metrics intact',
            status: 'inconclusive',
            value: null,
            threshold: true,
            message: 'no fingerprint taken before the rollback',
          },
        ],
        cleanup: [
          { label: 'stop V2', status: 'error', error: 'kill ESRCH <pid 4242> & gone', durationMs: 5 },
          { label: 'drop database', status: 'passed', durationMs: 120 },
        ],
        evidence: ['data-validation/kpi-diff.csv'],
      },
      {
        id: 'roll-forward',
        title: 'Roll-forward recovery',
        status: 'inconclusive',
        startedAt: '2026-01-02T03:06:01.000Z',
        durationMs: 2_000,
        steps: [
          {
            id: 'prepare-database',
            title: 'Prepare database',
            phase: 'setup',
            startedAt: '2026-01-02T03:06:01.000Z',
            durationMs: 2_000,
            status: 'error',
            error: 'pg_restore missing',
          },
        ],
        checks: [],
        cleanup: [],
        evidence: [],
      },
    ],
  };
}
