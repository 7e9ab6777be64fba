/**
 * One measurement in a Node process of its own, so that its peak RSS is the harness's alone:
 *
 *   BENCH_DSN=… node --import tsx bench/zero-loss-child.ts proof|naive
 *
 * `proof` runs the drill's zero-data-loss proof (reconcileRecords with the reference pipeline's
 * accounting config); `naive` downloads every source and accounted key into Node and compares them
 * in a Set. Prints one JSON line: the wall time of that work, the process's maxRSS at the end
 * (process.resourceUsage(), RUSAGE_SELF: this Node process, not the esbuild helper tsx starts), and
 * the counts found. The DSN comes from the environment, never from the command line.
 */
import pg from 'pg';
import reference from '../drill.config.ts';
import { reconcileRecords, type RecordAccounting } from '../src/database/record-accounting.ts';

export interface ChildReport {
  ms: number;
  maxRssMb: number;
  sourceKeys: number;
  processedKeys: number;
  quarantinedKeys: number;
  missingKeys: number;
  missingSample: string[];
  unexpectedKeys: number;
  doublyAccounted: number;
  mismatchedBuckets: number;
  rowsFetched: number;
}

const accounting = reference.environments['staging']!.accounting!;

async function proof(dsn: string): Promise<Omit<ChildReport, 'ms' | 'maxRssMb'>> {
  const result: RecordAccounting = await reconcileRecords(dsn, accounting);
  return {
    sourceKeys: result.sourceKeys, processedKeys: result.processedKeys, quarantinedKeys: result.quarantinedKeys,
    missingKeys: result.missingKeys, missingSample: result.missingSample, unexpectedKeys: result.unexpectedKeys,
    doublyAccounted: result.doublyAccounted, mismatchedBuckets: result.buckets.mismatched, rowsFetched: result.rowsFetched,
  };
}

/** What a script without the harness would do: fetch all three key sets, compare in memory. */
async function naive(dsn: string): Promise<Omit<ChildReport, 'ms' | 'maxRssMb'>> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const keys = async (sql: string) => (await client.query<{ key: string | null }>(`select (src.key)::text as key from (${sql}) as src`)).rows;
    const processed = new Set<string>();
    const quarantined = new Set<string>();
    for (const { key } of await keys(accounting.processedKeysQuery)) if (key !== null) processed.add(key);
    for (const { key } of await keys(accounting.quarantinedKeysQuery)) if (key !== null) quarantined.add(key);
    const source = new Set<string>();
    const missing: string[] = [];
    for (const { key } of await keys(accounting.sourceKeysQuery)) {
      if (key === null || source.has(key)) continue;
      source.add(key);
      if (!processed.has(key) && !quarantined.has(key)) missing.push(key);
    }
    let unexpected = 0;
    let doubly = 0;
    for (const key of processed) {
      if (!source.has(key)) unexpected++;
      if (quarantined.has(key)) doubly++;
    }
    for (const key of quarantined) if (!source.has(key) && !processed.has(key)) unexpected++;
    await client.query('rollback');
    return {
      sourceKeys: source.size, processedKeys: processed.size, quarantinedKeys: quarantined.size,
      missingKeys: missing.length, missingSample: missing.sort().slice(0, 10), unexpectedKeys: unexpected, doublyAccounted: doubly,
      mismatchedBuckets: 0, rowsFetched: source.size + processed.size + quarantined.size,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const dsn = process.env.BENCH_DSN;
  if (!dsn || (mode !== 'proof' && mode !== 'naive')) throw new Error('usage: BENCH_DSN=… zero-loss-child.ts proof|naive');
  const started = performance.now();
  const counts = mode === 'proof' ? await proof(dsn) : await naive(dsn);
  const ms = performance.now() - started;
  const report: ChildReport = { ms, maxRssMb: process.resourceUsage().maxRSS / 1024, ...counts };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`zero-loss-child: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
