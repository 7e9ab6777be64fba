import { defineConfig } from './src/config/define-config.ts';

/**
 * The embedded default: the reference Abaco-style KPI pipeline (fixtures/) as local processes
 * against an ephemeral PostgreSQL the harness starts and removes itself. Copy this file and
 * point v1/v2 at your own pipeline to drill your rollback (README: "Your own V1/V2").
 */
const pipeline = (version: 'v1' | 'v2') => ({
  command: process.execPath,
  args: ['--import', 'tsx', `fixtures/pipeline-${version}/main.ts`],
  env: { DATABASE_URL: '{{databaseUrl}}', PORT: '{{port}}', OUTPUT_DIR: '{{outputDir}}' },
  healthPath: '/health',
  run: { triggerPath: '/runs', statusPath: '/runs/{runId}' },
});

export default defineConfig({
  environments: {
    staging: {
      target: { kind: 'process' },
      database: { kind: 'ephemeral' },
      // Data set D: 20 000 Cascade loans and their payments, generated deterministically.
      setup: [
        {
          command: process.execPath,
          args: ['--import', 'tsx', 'fixtures/cascade/generate.ts', '--loans', '20000', '--seed', '42'],
          env: { DATABASE_URL: '{{databaseUrl}}' },
        },
      ],
      // ABACO_V2_FAULTS reaches V2 only: `ABACO_V2_FAULTS=ignore-sigterm npm run drill:staging`.
      v2: { ...pipeline('v2'), passEnv: ['ABACO_V2_FAULTS'] },
      v1: {
        ...pipeline('v1'),
        // The runbook's pre-staged rollback assets: V1's env file, config and migrations.
        envFile: 'fixtures/rollback/v1-pipeline.env',
        requiredFiles: [
          'fixtures/pipeline-v1/main.ts',
          'fixtures/rollback/v1-configuration.yml',
          'fixtures/rollback/v1-database-migrations.sql',
        ],
      },
      validation: {
        kpiRowsQuery: 'select count(*) from abaco.kpi_metrics where run_id = $1',
        outputsDir: '{{outputDir}}/metrics',
        outputsExtension: '.parquet',
      },
      budgets: { rollbackMs: 300_000 },
    },
  },
});
