/**
 * Issue 8, "zero-data-loss proof": the drill's in-database key reconciliation (reconcileRecords, the
 * code the data-validation drill runs) on Cascade data of growing size, beside the floor (one scan
 * of each side), a plain anti-join and the naive download into Node; its growth factor; and the peak
 * RSS of the Node process running it.
 *
 *   npx tsx bench/zero-loss.ts --sizes 100000,1000000 --rounds 3 [--naive-max 1000000]
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import pg from 'pg';
import reference from '../drill.config.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from '../src/database/ephemeral-postgres.ts';
import { median, repeat, type Figure } from './figure.ts';
import { BENCH_SEED, loansForRows, runGenerator, sizeLabel } from './generate-cli.ts';
import { antiJoinSql, floorSql, timeStatements } from './zero-loss-anchors.ts';
import type { ChildReport } from './zero-loss-child.ts';
import { synthesiseV1Outputs, type SyntheticOutputs } from './zero-loss-outputs.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const accounting = reference.environments['staging']!.accounting!;
/** 10M rows: the issue's absolute goal for the proof. */
const ABSOLUTE_GOAL = { rows: 10_000_000, ms: 3_000 };
const FLOOR_FACTOR = 1.5;
const RSS_GOAL_MB = 300;

export interface ZeroLossOptions {
  sizes: number[];
  rounds: number;
  /** The naive download runs at sizes up to this many rows only. */
  naiveMax: number;
  log: (line: string) => void;
}

interface SizeResult {
  size: number;
  data: SyntheticOutputs;
  proof: ChildReport[];
  floorMs: number[];
  antiJoinMs: number[];
  naive: ChildReport[];
  /** The extra round at the smallest size: one ledger row deleted, found by the proof. */
  deletedKeyCheck?: { key: string; ms: number };
}

export async function zeroLossFigures(options: ZeroLossOptions): Promise<Figure[]> {
  if (options.rounds < 3) throw new Error(`zero-loss bench: at least 3 rounds, got ${options.rounds}`);
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const server = await startEphemeralPostgres();
  try {
    const results: SizeResult[] = [];
    for (const size of sizes) results.push(await measureSize(server, size, size === sizes[0], options));
    return figures(results);
  } finally {
    await server.stop();
  }
}

async function measureSize(server: EphemeralPostgres, size: number, smallest: boolean, options: ZeroLossOptions): Promise<SizeResult> {
  const { log } = options;
  const name = `zero_loss_${size}`;
  const dsn = await server.createDatabase(name);
  try {
    const loans = loansForRows(size);
    const generated = await runGenerator(dsn, ['--loans', String(loans), '--seed', String(BENCH_SEED)]);
    log(`zero-loss ${sizeLabel(size)}: generated ${generated.loans + generated.payments} Cascade rows in ${(generated.ms / 1000).toFixed(1)} s; writing V1's outputs in SQL …`);
    const started = performance.now();
    const data = await synthesiseV1Outputs(dsn);
    log(`zero-loss ${sizeLabel(size)}: ${data.clean} clean + ${data.quarantined} quarantined outputs, ledger of ${data.sourceRows}, in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const result: SizeResult = { size, data, proof: [], floorMs: [], antiJoinMs: [], naive: [] };
    const steps: Array<() => Promise<void>> = [
      async () => void result.floorMs.push((await timeStatements(dsn, floorSql(accounting))).ms),
      async () => void result.proof.push(checked(await runChild(dsn, 'proof'), data, 'proof')),
      async () => {
        const { ms, row } = await timeStatements(dsn, [antiJoinSql(accounting)]);
        if (Number(row?.missing) !== 0) throw new Error(`plain anti-join found ${String(row?.missing)} missing keys, expected 0`);
        result.antiJoinMs.push(ms);
      },
      ...(size <= options.naiveMax ? [async () => void result.naive.push(checked(await runChild(dsn, 'naive'), data, 'naive download'))] : []),
    ];
    await repeat(options.rounds, async (round) => {
      // Each round starts one step later, so that a slow spell of the machine does not always hit the same one.
      for (let i = 0; i < steps.length; i++) await steps[(i + round - 1) % steps.length]!();
      const last = result.proof.at(-1)!;
      log(`zero-loss ${sizeLabel(size)} round ${round}: proof ${Math.round(last.ms)} ms (${Math.round(last.maxRssMb)} MB RSS), ` +
        `floor ${Math.round(result.floorMs.at(-1)!)} ms, anti-join ${Math.round(result.antiJoinMs.at(-1)!)} ms` +
        (result.naive.length ? `, naive ${Math.round(result.naive.at(-1)!.ms)} ms (${Math.round(result.naive.at(-1)!.maxRssMb)} MB RSS)` : ''));
      return last.ms;
    });
    if (smallest) {
      result.deletedKeyCheck = await deletedKeyRound(dsn);
      log(`zero-loss ${sizeLabel(size)}: a deleted ledger row (${result.deletedKeyCheck.key}) found by the proof in ${Math.round(result.deletedKeyCheck.ms)} ms`);
    }
    return result;
  } finally {
    await server.dropDatabase(name);
  }
}

/** The proof (or the naive way) must find exactly what was written: every key accounted for, once. */
function checked(report: ChildReport, data: SyntheticOutputs, what: string): ChildReport {
  const expected = { sourceKeys: data.sourceRows, processedKeys: data.clean, quarantinedKeys: data.quarantined, missingKeys: 0, unexpectedKeys: 0, doublyAccounted: 0 };
  const wrong = Object.entries(expected).filter(([key, value]) => report[key as keyof typeof expected] !== value);
  if (wrong.length > 0) {
    throw new Error(`${what} is wrong: ${wrong.map(([key, value]) => `${key} ${String(report[key as keyof ChildReport])}, expected ${value}`).join('; ')}`);
  }
  return report;
}

/** One ledger row deleted (its record then neither processed nor quarantined): the proof must name it. */
async function deletedKeyRound(dsn: string): Promise<{ key: string; ms: number }> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ source: string; source_id: string; run_id: string }>(
      `delete from abaco.processed_records
        where (source, source_id) = (select source, source_id from abaco.processed_records
                                      where source = 'payments' order by source_id offset 1000 limit 1)
        returning source, source_id::text, run_id`);
    const victim = rows[0];
    if (!victim) throw new Error('no ledger row to delete');
    const key = `${victim.source}:${victim.source_id}`;
    try {
      const report = await runChild(dsn, 'proof');
      if (report.missingKeys !== 1 || report.missingSample[0] !== key || report.unexpectedKeys !== 0) {
        throw new Error(`the proof did not find the deleted ledger row ${key}: missing ${report.missingKeys} (${report.missingSample.join(', ')})`);
      }
      return { key, ms: report.ms };
    } finally {
      await client.query('insert into abaco.processed_records (source, source_id, run_id) values ($1, $2, $3)', [victim.source, victim.source_id, victim.run_id]);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function runChild(dsn: string, mode: 'proof' | 'naive'): Promise<ChildReport> {
  const result = await execa(process.execPath, ['--import', 'tsx', 'bench/zero-loss-child.ts', mode], {
    cwd: REPO,
    env: { BENCH_DSN: dsn },
    reject: false,
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.exitCode !== 0 || !line.startsWith('{')) throw new Error(`zero-loss ${mode} child failed (exit ${result.exitCode}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(line) as ChildReport;
}

const round = (ms: number) => Math.round(ms);

function figures(results: SizeResult[]): Figure[] {
  const out: Figure[] = [];
  for (const r of results) {
    const label = sizeLabel(r.size);
    const proofMs = r.proof.map((p) => round(p.ms));
    const floorMs = r.floorMs.map(round);
    const proof = median(proofMs);
    const floor = median(floorMs);
    const absolute = r.size >= ABSOLUTE_GOAL.rows;
    const rowsPerSecond = Math.round(r.data.sourceRows / (proof / 1000));
    out.push({
      name: `zero-loss proof ${label} rows`,
      project: { samples: proofMs, unit: 'ms' },
      anchor: { label: 'plain anti-join (NOT EXISTS over processed ∪ quarantined)', samples: r.antiJoinMs.map(round), unit: 'ms' },
      goal: `≤ ${FLOOR_FACTOR}× floor (${floor} ms)${absolute ? ` and ≤ ${ABSOLUTE_GOAL.ms / 1000} s` : ''}`,
      met: proof <= FLOOR_FACTOR * floor && (!absolute || proof <= ABSOLUTE_GOAL.ms),
      note: `${r.data.sourceRows} source keys (Cascade seed ${BENCH_SEED}), ${rowsPerSecond} rows/s, ${(proof / floor).toFixed(2)}× the floor; ` +
        `reconcileRecords with drill.config.ts's staging accounting, timed inside a fresh Node process (connection included); ` +
        `every round checked: ${r.data.quarantined} quarantined, 0 missing, 0 unexpected, 0 doubly, ${r.proof[0]!.rowsFetched} rows fetched. ` +
        `V1's outputs written by INSERT … SELECT from the source (V1's migrations, V1's validation rules), not by running V1.` +
        (r.deletedKeyCheck ? ` Extra round: a deleted ledger row (${r.deletedKeyCheck.key}) was found in ${round(r.deletedKeyCheck.ms)} ms.` : ''),
    });
    out.push({
      name: `zero-loss floor ${label} rows: one scan of each side`,
      project: { samples: floorMs, unit: 'ms' },
      goal: `proof ≤ ${FLOOR_FACTOR}× this`,
      met: proof <= FLOOR_FACTOR * floor,
      note: 'count(*) + sum(hashtextextended(key::text)) over the source query, then over processed ∪ quarantined: the configured queries read once (their joins included), nothing compared',
    });
    if (r.naive.length > 0) {
      out.push({
        name: `zero-loss proof vs naive download ${label} rows`,
        project: { samples: proofMs, unit: 'ms' },
        anchor: { label: 'naive: download all keys into Node, compare in Sets', samples: r.naive.map((n) => round(n.ms)), unit: 'ms' },
        goal: '≤ anchor',
        met: proof <= median(r.naive.map((n) => n.ms)),
        note: `the naive process peaked at ${round(median(r.naive.map((n) => n.maxRssMb)))} MB RSS (the proof's: ${round(median(r.proof.map((p) => p.maxRssMb)))} MB)`,
      });
    }
  }
  if (results.length >= 2) {
    const [a, b] = results.slice(-2) as [SizeResult, SizeResult];
    const linear = b.data.sourceRows / a.data.sourceRows;
    const ratios = b.proof.map((p, i) => Number((p.ms / a.proof[i]!.ms).toFixed(2)));
    out.push({
      name: `zero-loss growth ${sizeLabel(a.size)} → ${sizeLabel(b.size)} rows`,
      project: { samples: ratios, unit: 'x' },
      goal: `≈ ${linear.toFixed(1)} (linear), ≤ ${(linear * 1.2).toFixed(1)}`,
      met: median(ratios) <= linear * 1.2,
      note: `proof time at ${sizeLabel(b.size)} / at ${sizeLabel(a.size)}, round by round; floor ratio ${(median(b.floorMs) / median(a.floorMs)).toFixed(2)}`,
    });
  }
  const largest = results.at(-1)!;
  const rss = largest.proof.map((p) => round(p.maxRssMb));
  out.push({
    name: `harness peak RSS during the ${sizeLabel(largest.size)}-row proof`,
    project: { samples: rss, unit: 'MB' },
    goal: `≤ ${RSS_GOAL_MB} MB`,
    met: median(rss) <= RSS_GOAL_MB,
    note: 'maxRSS of the Node process that ran the proof (process.resourceUsage() at its end; node --import tsx, so the loader and every module the proof imports are in it; not the esbuild helper process, nor PostgreSQL)',
  });
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: 'string', default: '100000,1000000' }, rounds: { type: 'string', default: '3' }, 'naive-max': { type: 'string', default: '1000000' } },
  });
  const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isSafeInteger(s) || s < 1)) throw new Error(`--sizes needs positive integers, got ${values.sizes}`);
  const started = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const result = await zeroLossFigures({ sizes, rounds: Number(values.rounds), naiveMax: Number(values['naive-max']), log });
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
