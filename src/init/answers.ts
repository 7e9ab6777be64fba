import { HarnessError } from '../errors.ts';

/**
 * What `drill init` needs to know about a V1/V2 pair, in the words a person types: commands as one
 * line ("node v1/worker.mjs"), health and run protocols as `kind:detail` ("http:/healthz",
 * "command:node rollup.mjs", "watermark:select max(finished_at) from etl.runs").
 */
export interface InitAnswers {
  v1: string;
  v2: string;
  health: { v1: string; v2: string };
  run: { v1: string; v2: string };
  /** `ephemeral`, or `dsn-env:<VARIABLE>` (the DSN never goes in the file). */
  database: string;
  setup: string[];
  cutover?: string;
  schemas: string[];
  sourceKeys?: string;
  processedKeys?: string;
  quarantinedKeys?: string;
  /** Columns whose values every processed record must hold as in its source (empty: values waived). */
  valueColumns: string[];
  kpis?: string;
  /** How a run's KPI rows are counted: a query that may use {{runStartedAt}} / {{runId}}. */
  kpiRows?: string;
  /** `<format>:<folder>`: csv:{{outputDir}}/daily, parquet:…, jsonl:…, non-empty:…; absent: no files (waived). */
  outputs?: string;
  incremental: boolean;
  /** `crash-loop`, `hang`, `database-cut`, `env:NAME=value`; absent: the dry-run's failure is waived. */
  failure?: string;
  /** How long each version may take to pass its health check. */
  healthTimeoutMs?: number;
}

/** The questions, in the order `drill init` asks them; each names the flag that answers it without asking. */
export const questions: Array<{
  key: keyof InitAnswers | 'health.v1' | 'health.v2' | 'run.v1' | 'run.v2';
  flag: string;
  ask: string;
  example: string;
  optional?: boolean;
  list?: boolean;
}> = [
  { key: 'v2', flag: '--v2', ask: 'How is V2 started (one command line)?', example: 'node /opt/pipeline-v2/worker.mjs' },
  { key: 'v1', flag: '--v1', ask: 'How is V1 started (one command line)?', example: 'node /opt/pipeline-v1/worker.mjs' },
  { key: 'health.v2', flag: '--v2-health', ask: "V2's health check (http:<path> | tcp | command:<line>)?", example: 'http:/health' },
  { key: 'health.v1', flag: '--v1-health', ask: "V1's health check (http:<path> | tcp | command:<line>)?", example: 'http:/health' },
  {
    key: 'run.v2',
    flag: '--v2-run',
    ask: 'How is a V2 KPI run done (http-async:<path> | http-sync:<path> | command:<line> | watermark:<sql> | none:<why>)?',
    example: 'command:node rollup.mjs',
  },
  { key: 'run.v1', flag: '--v1-run', ask: 'How is a V1 KPI run done (same kinds)?', example: 'command:node rollup.mjs' },
  { key: 'database', flag: '--database', ask: 'Which PostgreSQL (ephemeral | dsn-env:<VARIABLE>)?', example: 'ephemeral' },
  { key: 'setup', flag: '--setup', ask: 'Command that seeds the source data for a test (empty: none)?', example: 'node seed.mjs --rows 5000', optional: true, list: true },
  { key: 'cutover', flag: '--cutover', ask: 'Command that adds records while V2 is down (empty: none)?', example: 'node seed.mjs --append 50', optional: true },
  { key: 'schemas', flag: '--schema', ask: 'Database schemas holding the pipeline (comma separated)?', example: 'public', list: true },
  {
    key: 'sourceKeys',
    flag: '--source-keys',
    ask: 'SQL returning every source record key as `key` (empty: waive zero data loss)?',
    example: 'select id::text as key from source.events',
    optional: true,
  },
  {
    key: 'processedKeys',
    flag: '--processed-keys',
    ask: 'SQL returning the keys the pipeline processed?',
    example: 'select event_id::text as key from etl.ledger',
    optional: true,
  },
  {
    key: 'quarantinedKeys',
    flag: '--quarantined-keys',
    ask: 'SQL returning the keys it set aside (quarantined)?',
    example: 'select event_id::text as key from etl.rejected',
    optional: true,
  },
  {
    key: 'valueColumns',
    flag: '--value-columns',
    ask: 'Value columns both key queries also return, compared per record (comma separated; empty: compare keys only)?',
    example: 'amount, currency',
    optional: true,
    list: true,
  },
  {
    key: 'kpis',
    flag: '--kpis',
    ask: 'SQL returning KPI points as (as_of, segment, kpi, value) (empty: waive the KPI checks)?',
    example: 'select day as as_of, region as segment, kpi, value from etl.kpis',
    optional: true,
  },
  {
    key: 'kpiRows',
    flag: '--kpi-rows',
    ask: 'SQL counting the KPI rows a run wrote (may use {{runStartedAt}})?',
    example: 'select count(*) from etl.kpis where computed_at >= {{runStartedAt}}',
    optional: true,
  },
  { key: 'outputs', flag: '--outputs', ask: 'Output files (csv|parquet|jsonl|non-empty:<folder>; empty: none)?', example: 'csv:{{outputDir}}/daily', optional: true },
  {
    key: 'failure',
    flag: '--failure',
    ask: 'How should the dry-run break V2 (crash-loop | hang | database-cut | env:NAME=value; empty: waive)?',
    example: 'crash-loop',
    optional: true,
  },
];

/**
 * Splits a command line into program and arguments the way a person means it: spaces separate,
 * single or double quotes group, a backslash escapes the next character. Nothing is run through a shell.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) throw new HarnessError(`unclosed ${quote} in the command line: ${line}`);
  if (inWord) words.push(current);
  return words;
}

/** `kind:detail` → its two parts; a bare kind has an empty detail. */
export function kindOf(answer: string, what: string, kinds: readonly string[]): { kind: string; detail: string } {
  const at = answer.indexOf(':');
  const kind = (at < 0 ? answer : answer.slice(0, at)).trim();
  const detail = at < 0 ? '' : answer.slice(at + 1).trim();
  if (!kinds.includes(kind)) throw new HarnessError(`${what}: unknown kind '${kind}' in '${answer}' (use one of: ${kinds.join(', ')})`);
  return { kind, detail };
}
