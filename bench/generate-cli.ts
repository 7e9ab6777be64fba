import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { generateDataset } from '../fixtures/cascade/dataset.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_SEED = 42;

export interface GeneratorRun {
  loans: number;
  payments: number;
  invalid: number;
  /** Wall time of the CLI process, start to exit. */
  ms: number;
  /** The time the CLI reports itself: from connecting to the commit of the load (no Node/tsx start-up). */
  loadMs: number;
}

/**
 * Runs the Cascade generator CLI as the drills do (`node --import tsx fixtures/cascade/generate.ts`),
 * against the database in `dsn` (passed in the environment, never on the command line), and reads
 * its summary line.
 */
export async function runGenerator(dsn: string, args: string[]): Promise<GeneratorRun> {
  const started = performance.now();
  const result = await execa(process.execPath, ['--import', 'tsx', 'fixtures/cascade/generate.ts', ...args], {
    cwd: REPO,
    env: { DATABASE_URL: dsn },
    reject: false,
    all: true,
  });
  const ms = performance.now() - started;
  const summary = /inserted (\d+) loans \+ (\d+) payments \((\d+) invalid.*\) in ([\d.]+) s/.exec(result.stdout);
  if (result.exitCode !== 0 || !summary) throw new Error(`cascade generator failed (exit ${result.exitCode}): ${result.all.slice(-2000)}`);
  return { loans: Number(summary[1]), payments: Number(summary[2]), invalid: Number(summary[3]), ms, loadMs: Number(summary[4]) * 1000 };
}

let rowsPerLoan: number | undefined;

/** How many loans make about `rows` source rows (loans + payments), from the generator's own mix. */
export function loansForRows(rows: number): number {
  if (rowsPerLoan === undefined) {
    const sample = generateDataset({ seed: BENCH_SEED, loans: 50_000 });
    rowsPerLoan = (sample.loans.length + sample.payments.length) / sample.loans.length;
  }
  return Math.max(1, Math.round(rows / rowsPerLoan));
}

/** 100000 → "100k", 10000000 → "10M". */
export function sizeLabel(rows: number): string {
  if (rows >= 1_000_000 && rows % 1_000_000 === 0) return `${rows / 1_000_000}M`;
  if (rows >= 1_000 && rows % 1_000 === 0) return `${rows / 1_000}k`;
  return String(rows);
}
