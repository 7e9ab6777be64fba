/**
 * The benchmark of issue 8, measured side by side in one run and printed as one table:
 * figure | this project (median, min–max) | anchor (label, median) | ratio | goal | met?
 *
 *   npm run bench                      full sizes (≈ 35 min): rollback on processes and, when an engine answers, containers
 *   npm run bench -- --quick           small sizes, 3 rounds each, no containers (< 3 min on a quiet machine; the four
 *                                      drills only when they fit in that budget, else printed as skipped)
 *   npm run bench -- --json out.json   also writes the figures (for bench/RESULTS.md)
 *
 * Exit 0 when every figure was measured (goals not met are printed, not an error); 1 when a
 * measurement failed (the table then lists what was measured and names what failed).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.ts';
import { errorMessage } from '../src/errors.ts';
import type { Figure } from './figure.ts';
import { generateFigure } from './generate-data.ts';
import { kpiCompareFigures } from './kpi-compare-figures.ts';
import { openStage } from './overhead-stage.ts';
import { overheadFigure, seedProcedureFigure, targetFigure } from './overhead.ts';
import { rollbackRounds, type Rounds } from './rollback-rounds.ts';
import { findCurl, seedProcedureRound, type SeedRound } from './seed-procedure.ts';
import { renderTable } from './table.ts';
import { cliStartFigures } from './cli-start.ts';
import { zeroLossFigures } from './zero-loss.ts';
import { preRollbackFigures } from './pre-rollback.ts';
import { fourDrillsFigure } from './four-drills.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } } });
const quick = values.quick;
// The pre-rollback phase's quick size is 100k source rows: at 1M its three rounds (with their anchors) take
// about 2 minutes here, more than the whole --quick budget has left.
const plan = quick
  ? {
      rounds: 3,
      dockerRounds: 0,
      kpiRounds: 3,
      kpiLarger: 20_000,
      // One size (the growth from 1M to 10M is the full run's): the 20 s a second size took let the four drills fit.
      zeroLossSizes: [100_000],
      zeroLossRounds: 3,
      zeroLossNaiveMax: 100_000,
      generationRows: 100_000,
      docker: false,
      preRollbackSizes: [100_000],
      preRollbackMd5Max: 0,
      cliStartRounds: 3,
    }
  : {
      rounds: 5,
      dockerRounds: 3,
      kpiRounds: 9,
      kpiLarger: 100_000,
      zeroLossSizes: [100_000, 1_000_000, 10_000_000],
      zeroLossRounds: 3,
      zeroLossNaiveMax: 1_000_000,
      generationRows: 10_000_000,
      docker: true,
      preRollbackSizes: [1_000_000, 10_000_000],
      preRollbackMd5Max: 1_000_000,
      cliStartRounds: 10,
    };
/**
 * --quick's promise, and what the four drills take on local processes (37.7–41 s measured at load 2 on
 * 2026-12-05, 46–51 s at load 5 the day before): they run only if they fit.
 */
const QUICK_BUDGET_MS = 180_000;
const FOUR_DRILLS_ESTIMATE_MS = 45_000;

const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
// Printed in the order, whatever order they are measured in.
const sections = ['overhead', 'zero-loss', 'pre-rollback', 'four-drills', 'kpi-compare', 'generation', 'targets', 'cli-start'] as const;
const measured = new Map<(typeof sections)[number], Figure[]>(sections.map((s) => [s, []]));
const failures: string[] = [];
const skipped: string[] = [];

/** Runs one figure's measurement; a failure is recorded and the bench goes on with the next. */
async function measure(section: (typeof sections)[number], what: string, work: () => Promise<Figure[]>): Promise<void> {
  log(`${what} …`);
  try {
    measured.get(section)!.push(...(await work()));
  } catch (error) {
    failures.push(`${what}: ${errorMessage(error)}`);
    log(`${what} FAILED: ${errorMessage(error)}`);
  }
}

log(
  `bench ${quick ? '--quick' : 'full'} on ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}`,
);
const loaded = await loadConfig('drill.config.ts');
const work = await mkdtemp(join(tmpdir(), 'drill-bench-'));
try {
  // Figure 1: the rollback-time drill on local processes, each round followed by one round of the
  // seed's procedure on the same drill state without the harness (which also times V2's stop and
  // V1's start-to-healthy alone), so both see the same machine. The stage also yields figure 3's
  // real outputs.
  let processRounds: Rounds | undefined;
  let reference: { v1: string; v2: string } | undefined;
  await measure('overhead', `rollback-time drill ×${plan.rounds} on local processes, alternating with the seed procedure`, async () => {
    const curl = await findCurl();
    const stage = await openStage(loaded);
    try {
      const seed: SeedRound[] = [];
      processRounds = await rollbackRounds(loaded, 'process', plan.rounds, join(work, 'reports'), log, async () => {
        const staged = await stage.round();
        try {
          seed.push(await seedProcedureRound(staged, curl, log));
        } finally {
          await staged.close();
        }
      });
      reference = await stage.referenceOutputs(join(work, 'reference-outputs'));
      const alone = { stop: seed.map((s) => s.stopMs), startToHealthy: seed.map((s) => s.startToHealthyMs) };
      return [
        overheadFigure(processRounds, alone),
        seedProcedureFigure(
          processRounds,
          seed.map((s) => s.seedMs),
        ),
      ];
    } finally {
      await stage.close();
    }
  });

  // The same drill on containers when an engine answers (full run only): informative.
  let dockerRounds: Rounds | undefined;
  let dockerSkipped: string | undefined = quick ? 'not run by --quick' : undefined;
  if (plan.docker) {
    const { dockerTestsRun } = await import('../test/helpers/docker.ts');
    if (!dockerTestsRun) dockerSkipped = 'no Docker engine answers';
    else {
      await measure('targets', `rollback-time drill ×${plan.dockerRounds} on docker containers`, async () => {
        dockerRounds = await rollbackRounds(loaded, 'docker', plan.dockerRounds, join(work, 'reports'), log);
        return [];
      });
    }
  }
  if (processRounds) measured.get('targets')!.push(targetFigure(processRounds, dockerRounds, dockerSkipped));

  // Figure 3: real V1/V2 outputs of the reference pipelines, then larger ones in the same schema.
  await measure('kpi-compare', 'KPI comparison over parquet outputs, harness vs DuckDB', async () => {
    if (!reference) throw new Error('no reference outputs: the stage of figure 1 did not complete');
    return kpiCompareFigures({ reference, larger: plan.kpiLarger, rounds: plan.kpiRounds, workDir: join(work, 'kpis'), log });
  });

  // The zero-loss proof and the source data generation (bench/zero-loss.ts, bench/generate-data.ts).
  await measure('zero-loss', `zero-loss proof at ${plan.zeroLossSizes.join(', ')} rows`, () =>
    zeroLossFigures({ sizes: plan.zeroLossSizes, rounds: plan.zeroLossRounds, naiveMax: plan.zeroLossNaiveMax, log }),
  );
  // The pre-rollback phase (issue 17): the drill's own four steps beside the tools alone (bench/pre-rollback.ts).
  await measure('pre-rollback', `pre-rollback phase at ${plan.preRollbackSizes.join(', ')} source rows`, () =>
    preRollbackFigures({ sizes: plan.preRollbackSizes, rounds: 3, md5Max: plan.preRollbackMd5Max, log }),
  );
  await measure('generation', `source data generation, ${plan.generationRows} rows`, async () => [await generateFigure({ rows: plan.generationRows, rounds: 3, log })]);
  // CLI start-up, compiled vs the tsx start it replaced (bench/cli-start.ts): seconds, in every mode.
  await measure('cli-start', 'CLI start-up: drill --help and drill verify, compiled vs tsx', () => cliStartFigures({ rounds: plan.cliStartRounds, lazy: !quick, log }));
  // The four drills as a user runs them (bench/four-drills.ts), last: in --quick only if they fit in its budget.
  const elapsed = performance.now() - started;
  if (quick && elapsed + FOUR_DRILLS_ESTIMATE_MS > QUICK_BUDGET_MS) {
    skipped.push(
      `the four drills (drill run --env staging on local processes): --quick has ${Math.max(0, Math.round((QUICK_BUDGET_MS - elapsed) / 1000))} s of its ` +
        `${QUICK_BUDGET_MS / 1000} s left and they take about ${FOUR_DRILLS_ESTIMATE_MS / 1000} s; \`npm run bench\` (full) or \`npx tsx bench/four-drills.ts\` runs them`,
    );
    log(`four drills: skipped (${skipped.at(-1)})`);
  } else {
    await measure('four-drills', 'the four drills: drill run --env staging on local processes', async () => [await fourDrillsFigure({ log })]);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const wallMs = performance.now() - started;
const figures = sections.flatMap((s) => measured.get(s)!);
console.log(`\n${renderTable(figures)}`);
console.log(
  `\n${figures.length} figures in ${(wallMs / 1000).toFixed(1)} s (${quick ? '--quick' : 'full'}); load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const skip of skipped) console.log(`SKIPPED — ${skip}`);
for (const failure of failures) console.log(`NOT MEASURED — ${failure}`);
if (values.json) {
  const report = { startedAt: new Date(Date.now() - wallMs).toISOString(), quick, wallMs, cores: cpus().length, node: process.version, figures, failures, skipped };
  await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`figures written to ${values.json}`);
}
process.exitCode = failures.length > 0 ? 1 : 0;
