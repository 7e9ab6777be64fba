/**
 * Issue 8, "generating the Cascade data": the generator CLI (fixtures/cascade/generate.ts, as the
 * drills run it) loading `rows` rows (loans + payments) into an empty database, beside the server's
 * own ingestion of as many rows of the same tables with no generator at all (INSERT … SELECT over
 * generate_series): how close the generator comes to what the database can take.
 *
 *   npx tsx bench/generate-data.ts --rows 10000000 --rounds 3
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CASCADE_DDL } from '../fixtures/cascade/schema.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from '../src/database/ephemeral-postgres.ts';
import { median, repeat, type Figure } from './figure.ts';
import { BENCH_SEED, loansForRows, runGenerator, sizeLabel } from './generate-cli.ts';

/** The goal: 10M rows in 60 s, i.e. this many ms per row at any size. */
const GOAL_MS_PER_ROW = 60_000 / 10_000_000;

export interface GenerateOptions {
  rows: number;
  rounds: number;
  log: (line: string) => void;
}

export async function generateFigure(options: GenerateOptions): Promise<Figure> {
  if (options.rounds < 3) throw new Error(`generation bench: at least 3 rounds, got ${options.rounds}`);
  const { log } = options;
  const loans = loansForRows(options.rows);
  const server = await startEphemeralPostgres();
  try {
    const rowsLoaded: number[] = [];
    const generator: number[] = [];
    const wall: number[] = [];
    const inDatabase: number[] = [];
    await repeat(options.rounds, async (round) => {
      const run = await inFreshDatabase(server, `generate_${round}`, (dsn) => runGenerator(dsn, ['--loans', String(loans), '--seed', String(BENCH_SEED)]));
      const rows = run.loans + run.payments;
      rowsLoaded.push(rows);
      generator.push(Math.round(run.loadMs));
      wall.push(Math.round(run.ms));
      const sql = await inFreshDatabase(server, `generate_sql_${round}`, (dsn) => insertSelect(dsn, run.loans, run.payments));
      inDatabase.push(Math.round(sql));
      log(
        `generation round ${round}: ${rows} rows by the generator in ${(run.loadMs / 1000).toFixed(1)} s (process ${(run.ms / 1000).toFixed(1)} s), by INSERT … SELECT in ${(sql / 1000).toFixed(1)} s`,
      );
      return run.loadMs;
    });
    const rows = median(rowsLoaded);
    const goalMs = GOAL_MS_PER_ROW * options.rows;
    const ms = median(generator);
    return {
      name: `Cascade generation ${sizeLabel(options.rows)} rows`,
      project: { samples: generator, unit: 'ms' },
      anchor: { label: 'INSERT … SELECT generate_series, same tables and row count, no generator', samples: inDatabase, unit: 'ms' },
      goal: `≤ ${(goalMs / 1000).toFixed(goalMs < 10_000 ? 1 : 0)} s (60 s per 10M rows)`,
      met: ms <= goalMs,
      note:
        `${rows} rows (${loans} loans + their payments, seed ${BENCH_SEED}), ${Math.round(rows / (ms / 1000))} rows/s; ` +
        `the time the CLI (node --import tsx fixtures/cascade/generate.ts) reports, connect to commit, into an empty database; ` +
        `its whole process took ${(median(wall) / 1000).toFixed(1)} s (Node and tsx start-up included). ` +
        'Rows are generated in Node and streamed by COPY in one transaction while the server ingests them',
    };
  } finally {
    await server.stop();
  }
}

async function inFreshDatabase<T>(server: EphemeralPostgres, name: string, work: (dsn: string) => Promise<T>): Promise<T> {
  const dsn = await server.createDatabase(name);
  try {
    return await work(dsn);
  } finally {
    await server.dropDatabase(name);
  }
}

/** The database alone: as many rows of plausible values into the same tables (same indexes, same seq). */
async function insertSelect(dsn: string, loans: number, payments: number): Promise<number> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(CASCADE_DDL);
    const started = performance.now();
    await client.query('begin');
    await client.query(
      `
      insert into cascade.loans (loan_id, segment, disbursed_on, principal, annual_rate, term_months)
      select i, (array['consumer', 'sme', 'auto', 'microfinance'])[1 + i % 4], date '2024-01-01' + (i % 365)::int, 500 + (i % 20000) * 10.5, 0.15 + (i % 100) / 1000.0, 12
        from generate_series(1, $1::bigint) as i`,
      [loans],
    );
    await client.query(
      `
      insert into cascade.payments (payment_id, loan_id, paid_on, amount, principal_amount, days_past_due)
      select i, 1 + i % $2::bigint, date '2024-02-01' + (i % 300)::int, 100 + (i % 5000) * 1.25, 80 + (i % 5000), (i % 7)::int
        from generate_series(1, $1::bigint) as i`,
      [payments, Math.max(loans, 1)],
    );
    await client.query('commit');
    return performance.now() - started;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' } } });
  const rows = Number(values.rows);
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`--rows needs a positive integer, got ${values.rows}`);
  const started = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  console.log(JSON.stringify(await generateFigure({ rows, rounds: Number(values.rounds), log }), null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
