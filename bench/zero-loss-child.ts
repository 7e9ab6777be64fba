/**
 * One measurement in a Node process of its own, so that its peak RSS is the harness's alone:
 *
 *   BENCH_DSN=… node --import tsx bench/zero-loss-child.ts values|keys|baseline|naive
 *
 * `values` runs the drill's zero-data-loss proof (reconcileRecords with the reference pipeline's
 * accounting config: keys and value columns); `keys` the same proof without the value columns;
 * `baseline` the key-only proof as it shipped before (zero-loss-baseline.ts, frozen); `naive`
 * downloads every source, processed and quarantined row (key and values) into Node and compares
 * them in Maps. Prints one JSON line: the wall time of that work, the process's maxRSS at the end
 * (process.resourceUsage(), RUSAGE_SELF: this Node process, not the esbuild helper tsx starts), and
 * what it found. The DSN comes from the environment, never from the command line.
 */
import pg from 'pg';
import reference from '../drill.config.ts';
import { quoteIdent } from '../src/database/identifiers.ts';
import { reconcileRecords } from '../src/database/record-accounting.ts';
import { baselineProof } from './zero-loss-baseline.ts';

export type ChildMode = 'values' | 'keys' | 'baseline' | 'naive';

export interface ChildReport {
  ms: number;
  maxRssMb: number;
  complete: boolean;
  sourceKeys: number;
  processedKeys: number;
  quarantinedKeys: number;
  missingKeys: number;
  missingSample: string[];
  unexpectedKeys: number;
  doublyAccounted: number;
  valueMismatches: number;
  valueMismatchSample: string[];
  rowsFetched: number;
}

const accounting = reference.environments['staging']!.accounting!;

async function proof(dsn: string, values: boolean): Promise<Omit<ChildReport, 'ms' | 'maxRssMb'>> {
  const r = await reconcileRecords(dsn, values ? accounting : { ...accounting, valueColumns: [] });
  return {
    complete: r.complete,
    sourceKeys: r.sourceKeys,
    processedKeys: r.processedKeys,
    quarantinedKeys: r.quarantinedKeys,
    missingKeys: r.missingKeys,
    missingSample: r.missingSample,
    unexpectedKeys: r.unexpectedKeys,
    doublyAccounted: r.doublyAccounted,
    valueMismatches: r.valueMismatches,
    valueMismatchSample: r.valueMismatchSample.map((s) => s.key),
    rowsFetched: r.rowsFetched,
  };
}

async function baseline(dsn: string): Promise<Omit<ChildReport, 'ms' | 'maxRssMb'>> {
  const r = await baselineProof(dsn);
  return { ...r, complete: true, missingKeys: 0, missingSample: [], unexpectedKeys: 0, doublyAccounted: 0, valueMismatches: 0, valueMismatchSample: [] };
}

/** What a script without the harness would do: fetch the three queries' rows, compare in memory. */
async function naive(dsn: string): Promise<Omit<ChildReport, 'ms' | 'maxRssMb'>> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    // Values compared by their text, as a script would (1.50 and 1.5 would differ).
    const valueColumns = accounting.valueColumns ?? [];
    const text = valueColumns.length > 0 ? `, concat_ws('|', ${valueColumns.map((c) => `coalesce((src.${quoteIdent(c)})::text, 'null')`).join(', ')}) as v` : '';
    const rowsOf = async (sql: string, values: boolean) =>
      (await client.query<{ key: string | null; v?: string }>(`select (src.key)::text as key${values ? text : ''} from (${sql}) as src`)).rows;
    const processed = new Map<string, string | null>();
    const quarantined = new Set<string>();
    let doubly = 0;
    for (const { key, v } of await rowsOf(accounting.processedKeysQuery, true)) if (key !== null) processed.set(key, v ?? null);
    for (const { key } of await rowsOf(accounting.quarantinedKeysQuery, false)) {
      if (key === null) continue;
      quarantined.add(key);
      if (processed.has(key)) doubly++;
    }
    const source = new Set<string>();
    const missing: string[] = [];
    const mismatched: string[] = [];
    for (const { key, v } of await rowsOf(accounting.sourceKeysQuery, true)) {
      if (key === null || source.has(key)) continue;
      source.add(key);
      if (processed.has(key)) {
        if (processed.get(key) !== (v ?? null)) mismatched.push(key);
      } else if (!quarantined.has(key)) missing.push(key);
    }
    let unexpected = 0;
    for (const key of processed.keys()) if (!source.has(key)) unexpected++;
    for (const key of quarantined) if (!source.has(key) && !processed.has(key)) unexpected++;
    await client.query('rollback');
    return {
      complete: missing.length + unexpected + doubly + mismatched.length === 0,
      sourceKeys: source.size,
      processedKeys: processed.size,
      quarantinedKeys: quarantined.size,
      missingKeys: missing.length,
      missingSample: missing.sort().slice(0, 10),
      unexpectedKeys: unexpected,
      doublyAccounted: doubly,
      valueMismatches: mismatched.length,
      valueMismatchSample: mismatched.sort().slice(0, 10),
      rowsFetched: source.size + processed.size + quarantined.size,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const dsn = process.env.BENCH_DSN;
  if (!dsn || !['values', 'keys', 'baseline', 'naive'].includes(mode ?? '')) throw new Error('usage: BENCH_DSN=… zero-loss-child.ts values|keys|baseline|naive');
  const started = performance.now();
  const found = mode === 'naive' ? await naive(dsn) : mode === 'baseline' ? await baseline(dsn) : await proof(dsn, mode === 'values');
  const ms = performance.now() - started;
  const report: ChildReport = { ms, maxRssMb: process.resourceUsage().maxRSS / 1024, ...found };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`zero-loss-child: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
