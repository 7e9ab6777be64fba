/**
 * Issue 8, "zero-data-loss proof": the drill's in-database reconciliation (reconcileRecords, the
 * code the data-validation drill runs), keys and values, on Cascade data of growing size, beside
 * the floor (each configured query read once, in turn), today's key-only proof as it shipped
 * before (frozen, zero-loss-baseline.ts), a plain anti-join and the naive download into Node; its
 * growth factor; and the peak RSS of the Node process running it.
 *
 *   npx tsx bench/zero-loss.ts --sizes 100000,1000000 --rounds 3 [--naive-max 1000000] [--json out.json]
 *
 * (`npm run bench` runs the same measurement as its zero-loss section: full = 100k, 1M and 10M.)
 */
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import reference from '../drill.config.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from '../src/database/ephemeral-postgres.ts';
import { repeat, type Figure } from './figure.ts';
import { runSectionAlone } from './section-alone.ts';
import { BENCH_SEED, loansForRows, runGenerator, sizeLabel } from './generate-cli.ts';
import { antiJoinSql, floorSql, oneProcess, timeStatements } from './zero-loss-anchors.ts';
import type { ChildMode, ChildReport } from './zero-loss-child.ts';
import { zeroLossFiguresOf, type SizeResult } from './zero-loss-figures.ts';
import { synthesiseV1Outputs, type SyntheticOutputs } from './zero-loss-outputs.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const accounting = reference.environments['staging']!.accounting!;

export interface ZeroLossOptions {
  sizes: number[];
  rounds: number;
  /** The naive download runs at sizes up to this many rows only. */
  naiveMax: number;
  log: (line: string) => void;
}

export async function zeroLossFigures(options: ZeroLossOptions): Promise<Figure[]> {
  if (options.rounds < 3) throw new Error(`zero-loss bench: at least 3 rounds, got ${options.rounds}`);
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const server = await startEphemeralPostgres();
  try {
    const results: SizeResult[] = [];
    for (const size of sizes) results.push(await measureSize(server, size, size === sizes[0], options));
    return zeroLossFiguresOf(results);
  } finally {
    await server.stop();
  }
}

async function measureSize(server: EphemeralPostgres, size: number, smallest: boolean, options: ZeroLossOptions): Promise<SizeResult> {
  const { log } = options;
  const name = `zero_loss_${size}`;
  const label = sizeLabel(size);
  const dsn = await server.createDatabase(name);
  try {
    const generated = await runGenerator(dsn, ['--loans', String(loansForRows(size)), '--seed', String(BENCH_SEED)]);
    log(`zero-loss ${label}: generated ${generated.loans + generated.payments} Cascade rows in ${(generated.ms / 1000).toFixed(1)} s; writing V1's outputs in SQL …`);
    const started = performance.now();
    const data = await synthesiseV1Outputs(dsn);
    log(
      `zero-loss ${label}: ${data.clean} clean + ${data.quarantined} quarantined outputs, ledger of ${data.sourceRows}, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const r: SizeResult = { size, data, values: [], keys: [], baseline: [], naive: [], floorValuesMs: [], floorKeysMs: [], antiJoinMs: [], oneProcess: [] };
    const steps: Array<() => Promise<void>> = [
      async () => void r.floorValuesMs.push((await timeStatements(dsn, floorSql(accounting, { values: true }))).ms),
      async () => void r.values.push(checked(await runChild(dsn, 'values'), data, 'values proof')),
      async () => void r.floorKeysMs.push((await timeStatements(dsn, floorSql(accounting, { values: false }))).ms),
      async () => void r.keys.push(checked(await runChild(dsn, 'keys'), data, 'key-only proof')),
      async () => void r.baseline.push(checked(await runChild(dsn, 'baseline'), data, "today's key-only proof")),
      async () => void r.oneProcess.push(await oneProcess(dsn, accounting)),
      async () => {
        const { ms, row } = await timeStatements(dsn, [antiJoinSql(accounting)]);
        if (Number(row?.missing) !== 0) throw new Error(`plain anti-join found ${String(row?.missing)} missing keys, expected 0`);
        r.antiJoinMs.push(ms);
      },
      ...(size <= options.naiveMax ? [async () => void r.naive.push(checked(await runChild(dsn, 'naive'), data, 'naive download'))] : []),
    ];
    await repeat(options.rounds, async (round) => {
      // Each round starts one step later, so that a slow spell of the machine does not always hit the same one.
      for (let i = 0; i < steps.length; i++) await steps[(i + round - 1) % steps.length]!();
      const ms = (list: number[]) => Math.round(list.at(-1)!);
      const child = (list: ChildReport[]) => Math.round(list.at(-1)!.ms);
      log(
        `zero-loss ${label} round ${round}: values ${child(r.values)} ms (${Math.round(r.values.at(-1)!.maxRssMb)} MB RSS), floor ${ms(r.floorValuesMs)} ms; ` +
          `keys ${child(r.keys)} ms, floor ${ms(r.floorKeysMs)} ms; today's ${child(r.baseline)} ms, anti-join ${ms(r.antiJoinMs)} ms; ` +
          `one process: proof ${Math.round(r.oneProcess.at(-1)!.proofMs)} ms, floor ${Math.round(r.oneProcess.at(-1)!.floorMs)} ms` +
          (r.naive.length ? `, naive ${child(r.naive)} ms (${Math.round(r.naive.at(-1)!.maxRssMb)} MB RSS)` : ''),
      );
      return r.values.at(-1)!.ms;
    });
    if (smallest) {
      r.defects = await defectRounds(dsn);
      log(`zero-loss ${label}: ${r.defects}`);
    }
    return r;
  } finally {
    await server.dropDatabase(name);
  }
}

/** The proof must find exactly what was written: every key accounted for, once, with its values. */
function checked(report: ChildReport, data: SyntheticOutputs, what: string): ChildReport {
  const expected = {
    complete: true,
    sourceKeys: data.sourceRows,
    processedKeys: data.clean,
    quarantinedKeys: data.quarantined,
    missingKeys: 0,
    unexpectedKeys: 0,
    doublyAccounted: 0,
    valueMismatches: 0,
  };
  const wrong = Object.entries(expected).filter(([key, value]) => report[key as keyof typeof expected] !== value);
  if (wrong.length > 0) {
    throw new Error(`${what} is wrong: ${wrong.map(([key, value]) => `${key} ${String(report[key as keyof ChildReport])}, expected ${String(value)}`).join('; ')}`);
  }
  return report;
}

/**
 * Two extra rounds at the smallest size: a clean payment deleted (its record then neither processed
 * nor quarantined) and another loaded with a different amount. The proof must name both.
 */
async function defectRounds(dsn: string): Promise<string> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`create table abaco.bench_saved as select * from abaco.payments order by payment_id offset 1000 limit 2`);
    const saved = (await client.query<{ payment_id: string }>('select payment_id::text from abaco.bench_saved order by payment_id')).rows.map((r) => r.payment_id);
    const [deleted, changed] = saved.map((id) => `payments:${id}`);
    await client.query(`delete from abaco.payments where payment_id = $1`, [saved[0]]);
    await client.query(`update abaco.payments set amount = amount + 0.01 where payment_id = $1`, [saved[1]]);
    try {
      const report = await runChild(dsn, 'values');
      if (
        report.missingKeys !== 1 ||
        report.missingSample[0] !== deleted ||
        report.valueMismatches !== 1 ||
        report.valueMismatchSample[0] !== changed ||
        report.unexpectedKeys !== 0
      ) {
        throw new Error(
          `the proof did not name the deleted payment ${deleted} and the changed amount of ${changed}: ` +
            `missing ${report.missingKeys} (${report.missingSample.join(', ')}), value mismatches ${report.valueMismatches} (${report.valueMismatchSample.join(', ')})`,
        );
      }
      return `a deleted clean row (${deleted}) and a changed amount (${changed}) both named by the proof in ${Math.round(report.ms)} ms`;
    } finally {
      await client.query(`delete from abaco.payments where payment_id in (select payment_id from abaco.bench_saved)`);
      await client.query('insert into abaco.payments select * from abaco.bench_saved');
      await client.query('drop table abaco.bench_saved');
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function runChild(dsn: string, mode: ChildMode): Promise<ChildReport> {
  const result = await execa(process.execPath, ['--import', 'tsx', 'bench/zero-loss-child.ts', mode], {
    cwd: REPO,
    env: { BENCH_DSN: dsn },
    reject: false,
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.exitCode !== 0 || !line.startsWith('{')) throw new Error(`zero-loss ${mode} child failed (exit ${result.exitCode}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(line) as ChildReport;
}

runSectionAlone(import.meta.url, 'zero-loss', { sizes: '100000,1000000', extra: { 'naive-max': '1000000' } }, ({ sizes, rounds, extra, log }) =>
  zeroLossFigures({ sizes, rounds, naiveMax: extra['naive-max']!, log }),
);
