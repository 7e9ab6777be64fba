import { defineConfig } from './src/config/define-config.ts';

/**
 * The embedded default: the reference Abaco-style KPI pipeline (fixtures/) against an ephemeral
 * PostgreSQL and Azurite blob storage the harness starts and removes itself — as containers of the images in containers/
 * when a Docker engine answers, else as local processes (the first line of a run says which and why).
 * To drill your own pipeline, start from `npx drill init` or fixtures/orders/drill.config.ts (README: "Your own pipeline in five minutes").
 */
const pipeline = (version: 'v1' | 'v2') => ({
  command: process.execPath,
  args: ['--import', 'tsx', `fixtures/pipeline-${version}/main.ts`],
  env: {
    DATABASE_URL: '{{databaseUrl}}',
    PORT: '{{port}}',
    OUTPUT_DIR: '{{outputDir}}',
    // Outputs are published to blob storage as well as written to OUTPUT_DIR.
    BLOB_CONNECTION_STRING: '{{blobConnectionString}}',
    BLOB_CONTAINER: '{{blobContainer}}',
  },
  // Healthy when /health answers 2xx; its answer also carries the last run's phases and the database's state.
  health: { kind: 'http' as const, path: '/health' },
  metricsPath: '/metrics',
  // POST /runs answers { runId }; GET /runs/{runId} answers { status } until it is no longer running.
  run: { kind: 'http-async' as const, triggerPath: '/runs', statusPath: '/runs/{runId}' },
});

const cascade = (...args: string[]) => ({
  command: process.execPath,
  args: ['--import', 'tsx', 'fixtures/cascade/generate.ts', '--seed', '42', ...args],
  env: { DATABASE_URL: '{{databaseUrl}}' },
});

export default defineConfig({
  environments: {
    staging: {
      // Containers (V1/V2 images built from containers/ when missing, Postgres in a container) when an
      // engine answers; otherwise the same pipeline as local processes. `--target docker` forces containers.
      target: { kind: 'docker', v1: { image: 'drill-pipeline-v1:latest' }, v2: { image: 'drill-pipeline-v2:latest' }, fallback: 'process' },
      database: { kind: 'ephemeral' },
      // Azurite (the Azure Storage emulator) started for the run, a container per test; the pipeline publishes its
      // parquet outputs there and the harness probes it. A real account: { kind: 'account', connectionStringEnv, container }.
      blob: { kind: 'azurite' },
      // Data set D: 20 000 Cascade loans and their payments (118 600 source rows), generated deterministically.
      setup: [cascade('--loans', '20000')],
      // ABACO_V2_FAULTS reaches V2 only: `ABACO_V2_FAULTS=kpi-skew:2 npm run drill:staging`.
      v2: { ...pipeline('v2'), passEnv: ['ABACO_V2_FAULTS'] },
      v1: {
        ...pipeline('v1'),
        // ABACO_V1_FAULTS reaches V1 only (the check-mutation matrix's faults of the restored version).
        passEnv: ['ABACO_V1_FAULTS'],
        // The runbook's pre-staged rollback assets: V1's env file, config and migrations.
        envFile: 'fixtures/rollback/v1-pipeline.env',
        requiredFiles: ['fixtures/pipeline-v1/main.ts', 'fixtures/rollback/v1-configuration.yml', 'fixtures/rollback/v1-database-migrations.sql'],
      },
      validation: {
        kpiRows: { query: 'select count(*) from abaco.kpi_metrics where run_id = {{runId}}' },
        outputs: { dir: '{{outputDir}}/metrics', format: 'parquet' },
      },
      verification: {
        schemas: ['abaco', 'cascade'],
        // The health answer lists the last run's phases: each must have succeeded.
        phases: { kind: 'health', path: 'lastRun.phases', names: ['extract', 'transform', 'load', 'kpis'] },
        // V1's own word on its database, from its health answer.
        dbConnectivity: { kind: 'health', path: 'db.reachable', equals: true },
      },
      kpis: {
        source: { kind: 'sql', query: 'select as_of, segment, kpi, value from abaco.kpi_metrics' },
        tolerance: 0.01,
      },
      // Zero data loss: every source record was loaded clean, with the source's amount and date, or quarantined;
      // once. The clean tables are read directly: joining the processed ledger (10M rows) made the proof 2–3× slower,
      // and a clean row outside the ledger cannot happen (both are written in one transaction per batch).
      accounting: {
        sourceKeysQuery: `select 'loans:' || loan_id as key, principal as amount, disbursed_on as dated from cascade.loans
                          union all
                          select 'payments:' || payment_id, amount, paid_on from cascade.payments`,
        processedKeysQuery: `select 'loans:' || loan_id as key, principal as amount, disbursed_on as dated from abaco.loans
                             union all
                             select 'payments:' || payment_id, amount, paid_on from abaco.payments`,
        quarantinedKeysQuery: `select source || ':' || source_id as key from abaco.quarantine`,
        valueColumns: ['amount', 'dated'],
      },
      // Historical rows must be untouched, down to which run wrote them.
      history: {
        query: 'select as_of, segment, kpi, value, run_id, produced_by from abaco.kpi_metrics',
        periodColumn: 'as_of',
        keyColumns: ['as_of', 'segment', 'kpi'],
        // A run always recomputes the latest month-end; every earlier one must stay as it was.
        mayChange: { kind: 'latest', count: 1 },
      },
      // 500 new loans (and their first payments) arrive while V2 is down.
      cutover: cascade('--append', '500'),
      // The dry-run's failure: 6 000 new loans (4 batches of V2's 5 000 rows), then V2 restarted to crash after
      // the first batch of every run. It is restarted as a service manager would (by the harness, or by the target
      // itself where it can: swarm, systemd), until the crash-loop criterion (3 restarts within 10 minutes) calls for
      // the rollback; V1 processes what is left.
      failure: {
        kind: 'env',
        setup: [cascade('--append', '6000')],
        env: { ABACO_V2_FAULTS: 'crash-after:1' },
      },
      // The seed's rollback criteria (overridable here, e.g. criteria: { memory: { threshold: 800 } }), fed by
      // V2's /metrics series below plus what the harness measures itself: RSS/CPU, restarts, a DB probe.
      decision: {
        metrics: {
          counters: {
            transactions: 'abaco_batches_total',
            errors: 'abaco_batches_total{status="failed"}',
            dbConnectAttempts: 'abaco_db_connection_attempts_total',
            dbConnectFailures: 'abaco_db_connection_failures_total',
            // Data loss: rows read vs rows in the ledger (clean + quarantined), both counted at each batch's commit.
            rowsIn: 'abaco_rows_read_total',
            rowsOut: 'abaco_rows_processed_total',
          },
          gauges: { latency: 'abaco_run_duration_seconds', latencyUnit: 'seconds', throughputRowsPerSec: 'abaco_rows_per_second' },
        },
        // The data source is the Cascade schema: it answers when this does.
        sourceProbeQuery: 'select 1 from cascade.loans limit 1',
      },
      budgets: { rollbackMs: 300_000, preRollbackMs: 120_000 },
    },
  },
});
