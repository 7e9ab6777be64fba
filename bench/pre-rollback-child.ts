/**
 * The drill's pre-rollback phase in a Node process of its own, so that its peak RSS is the
 * harness's alone:
 *
 *   BENCH_DSN=… BENCH_SERVER_DSN=… BENCH_RUN_DIR=… BENCH_V2_RUN_KEYS=_drill.v2_run_keys [BENCH_METRICS_INTERVAL_MS=15000] \
 *     node --import tsx bench/pre-rollback-child.ts
 *
 * It runs the very step definitions a drill runs (preRollbackSteps of src/drills/phases.ts), in the
 * drill's order, with the reference environment of drill.config.ts: backup-database,
 * prove-backup-restores, export-v2-metrics, record-system-state, background-settled (which waits for
 * the drop of the restore proof's scratch database; initiate-rollback only queues webhooks, none
 * configured here). V2 is not running, so the V2 health probe and log capture of record-system-state are left
 * out; its scraped /metrics samples are 24 h of V2's own series (the reference V2's /metrics, with
 * moving values) every BENCH_METRICS_INTERVAL_MS (15 s, a usual production scrape interval: 5,760
 * samples), held in memory as a scraper holds them. Prints one JSON line: each step's time and
 * recorded outputs, the process's maxRSS at the end (process.resourceUsage(), RUSAGE_SELF: this
 * Node process, not pg_dump's nor the tsx helper's), and the facts the parent checks.
 */
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import { openServer } from '../src/database/open-server.ts';
import { preRollbackSteps } from '../src/drills/phases.ts';
import { Redactor } from '../src/redaction/redactor.ts';
import { Evidence } from '../src/runner/evidence.ts';
import type { StepContext, StepDefinition } from '../src/runner/runner.ts';
import { newTestState, type DrillWorld, type TestState } from '../src/runner/world.ts';
import type { ScrapeSample, Scraper } from '../src/telemetry/scraper.ts';

export interface StepReport {
  id: string;
  ms: number;
  output: Record<string, unknown>;
}

export interface PreRollbackReport {
  steps: StepReport[];
  totalMs: number;
  maxRssMb: number;
  restored: boolean;
  differences: number;
  schemaMatches: boolean;
  missingKeys: number;
  sourceKeys: number;
  evidenceFiles: number;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** 24 h of the reference V2's /metrics series up to now, one sample every `intervalMs`, values moving as a day of runs would move them. */
export function dayOfSamples(intervalMs: number, now = Date.now()): ScrapeSample[] {
  const count = Math.floor(86_400_000 / intervalMs);
  const samples: ScrapeSample[] = [];
  for (let i = 0; i < count; i++) {
    const runs = Math.floor((i * intervalMs) / 900_000);
    samples.push({
      t: new Date(now - (count - i) * intervalMs).toISOString(),
      ok: true,
      status: 200,
      durationMs: 2 + (i % 3),
      label: 'V2',
      metrics: {
        'abaco_pipeline_info{version="v2"}': 1,
        abaco_ready: 1,
        'abaco_runs_total{status="succeeded"}': runs,
        'abaco_runs_total{status="failed"}': 0,
        abaco_run_duration_seconds: 38 + (i % 7) / 10,
        abaco_rows_read_total: runs * 10_417,
        abaco_rows_processed_total: runs * 10_312,
        abaco_rows_quarantined_total: runs * 105,
        abaco_rows_per_second: 11_000 + (i % 997),
        'abaco_batches_total{status="committed"}': runs * 3,
        'abaco_batches_total{status="failed"}': 0,
        abaco_errors_total: 0,
        abaco_db_connection_attempts_total: runs * 5 + 1,
        abaco_db_connection_failures_total: 0,
        abaco_restarts_total: 0,
        process_resident_memory_bytes: 150_000_000 + (i % 1000) * 4096,
        process_cpu_seconds_total: i * 0.05,
        process_start_time_seconds: Math.floor((now - 86_400_000) / 1000),
      },
    });
  }
  return samples;
}

/** A scraper that already holds `samples`: what export-v2-metrics reads from state.scrapers. */
function heldScraper(samples: ScrapeSample[]): Scraper {
  return { samples: () => [...samples], scrapeNow: () => Promise.reject(new Error('not scraping')), stop: async () => undefined };
}

async function main(): Promise<void> {
  const dsn = env('BENCH_DSN');
  const runDir = env('BENCH_RUN_DIR');
  const loaded = await loadConfig('drill.config.ts');
  const environment = loaded.config.environments['staging']!;
  const redactor = new Redactor();
  const server = await openServer({ kind: 'dsn', dsn: env('BENCH_SERVER_DSN') }, {});
  redactor.addDsn(server.dsn);
  const world = {
    runId: 'bench',
    runDir,
    environmentName: 'staging',
    env: environment,
    baseDir: loaded.baseDir,
    server,
    redactor,
    processEnv: process.env,
    seedTemplate: async () => undefined,
    atRunEnd: () => undefined,
  } as unknown as DrillWorld; // no target nor notifier: none of these four steps uses them
  const state: TestState = newTestState('pre-rollback', new Evidence(runDir, 'pre-rollback', redactor));
  state.databaseUrl = dsn;
  state.outputDir = join(runDir, 'outputs'); // {{outputDir}}: the SQL KPI source names none, fillPlaceholders needs one
  state.facts.v2RunKeys = process.env['BENCH_V2_RUN_KEYS'];
  state.scrapers.v2 = [heldScraper(dayOfSamples(Number(process.env['BENCH_METRICS_INTERVAL_MS'] ?? 15_000)))];

  const steps: StepDefinition[] = preRollbackSteps(world, state);
  const reports: StepReport[] = [];
  const started = performance.now();
  for (const step of steps) {
    const output: Record<string, unknown> = {};
    const ctx: StepContext = { signal: new AbortController().signal, evidence: state.evidence, defer: () => undefined, record: (k, v) => void (output[k] = v) };
    const stepStarted = performance.now();
    await step.run(ctx);
    reports.push({ id: step.id, ms: performance.now() - stepStarted, output });
  }
  const totalMs = performance.now() - started;
  const report: PreRollbackReport = {
    steps: reports,
    totalMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    restored: state.facts.restore?.restored ?? false,
    differences: state.facts.restore?.differences ?? -1,
    schemaMatches: state.facts.restore?.schemaMatches ?? false,
    missingKeys: state.facts.accountingBefore?.missingKeys ?? -1,
    sourceKeys: state.facts.accountingBefore?.sourceKeys ?? -1,
    evidenceFiles: state.evidence.files.length,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`pre-rollback-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
