import { stringify } from 'yaml';
import { HarnessError } from '../errors.ts';
import { kindOf, splitCommandLine, type InitAnswers } from './answers.ts';

type Json = Record<string, unknown>;

const command = (line: string, extra: Json = {}): Json => {
  const [program, ...args] = splitCommandLine(line);
  if (!program) throw new HarnessError(`an empty command line where a command is needed`);
  return { command: program, ...(args.length ? { args } : {}), ...extra };
};

const serviceEnv = { DATABASE_URL: '{{databaseUrl}}', PORT: '{{port}}', OUTPUT_DIR: '{{outputDir}}' };

function health(answer: string, who: string): Json {
  const { kind, detail } = kindOf(answer, `${who} health`, ['http', 'tcp', 'command', 'systemd']);
  switch (kind) {
    case 'http':
      return { kind, path: detail || '/health' };
    case 'command':
      return { kind, ...command(detail) };
    default:
      return { kind };
  }
}

function run(answer: string, who: string): Json {
  const { kind, detail } = kindOf(answer, `${who} run`, ['http-async', 'http-sync', 'command', 'watermark', 'none']);
  switch (kind) {
    case 'http-async':
      return { kind, triggerPath: detail || '/runs' };
    case 'http-sync':
      return { kind, path: detail || '/run' };
    case 'command':
      return { kind, ...command(detail) };
    case 'watermark':
      if (!detail) throw new HarnessError(`${who} run: a watermark needs its SQL (watermark:select max(finished_at) from etl.runs)`);
      return { kind, query: detail };
    default:
      return { kind, reason: detail || 'the version runs on its own schedule' };
  }
}

/** The environment `drill init` writes, as plain data: validated by the real schema before it is written. */
export function environmentOf(a: InitAnswers): Json {
  const waive: Record<string, string> = {};
  const accounting = a.sourceKeys && a.processedKeys && a.quarantinedKeys;
  if (!accounting)
    for (const id of ['zero-data-loss', 'v2-no-data-loss', 'same-records-v1-v2', 'records-accounted-once', 'record-values-match', 'no-skipped-records', 'no-reprocessing'])
      waive[id] = 'no record accounting configured yet: add accounting queries';
  else if (!a.valueColumns.length) waive['record-values-match'] = 'no value columns configured yet: add accounting.valueColumns (both key queries return them)';
  if (!a.kpis)
    for (const id of ['kpi-variance', 'no-missing-data-points', 'metrics-restored', 'consistent-outputs', 'forward-no-missing-points', 'v2-rerun-recomputed'])
      waive[id] = 'no KPI query configured yet: add kpis.source';
  if (accounting && !a.cutover) for (const id of ['no-skipped-records', 'no-reprocessing']) waive[id] = 'no records arrive during the drill yet: add cutover';
  if (a.kpis && !a.cutover) waive['v2-rerun-recomputed'] = 'no records arrive during the drill yet: add cutover';
  if (!a.kpiRows) waive['v1-kpis-produced'] = 'no KPI row count configured yet: add validation.kpiRows';
  if (!a.outputs) waive['v1-outputs-written'] = 'the pipeline writes no output files';
  if (!a.failure) waive['failure-detected'] = 'no failure to simulate configured yet: add failure';
  if (!a.kpis) waive['history-intact'] = 'no KPI history configured yet: add history';
  const outputs = a.outputs ? kindOf(a.outputs, 'outputs', ['csv', 'parquet', 'jsonl', 'non-empty']) : undefined;
  const timeout = a.healthTimeoutMs ? { healthTimeoutMs: a.healthTimeoutMs } : {};
  const failure = a.failure ? kindOf(a.failure, 'failure', ['crash-loop', 'hang', 'database-cut', 'env']) : undefined;
  return {
    target: { kind: 'process' },
    database: a.database === 'ephemeral' ? { kind: 'ephemeral' } : { kind: 'dsn', dsnEnv: kindOf(a.database, 'database', ['dsn-env']).detail },
    ...(a.setup.length ? { setup: a.setup.map((line) => command(line, { env: { DATABASE_URL: '{{databaseUrl}}' } })) } : {}),
    v2: { ...command(a.v2, { env: serviceEnv }), health: health(a.health.v2, 'V2'), ...timeout, run: run(a.run.v2, 'V2') },
    v1: { ...command(a.v1, { env: serviceEnv }), health: health(a.health.v1, 'V1'), ...timeout, run: run(a.run.v1, 'V1') },
    validation: {
      ...(a.kpiRows ? { kpiRows: { query: a.kpiRows } } : {}),
      incremental: a.incremental,
      ...(outputs ? { outputs: { dir: outputs.detail || '{{outputDir}}', format: outputs.kind } } : {}),
    },
    verification: { schemas: a.schemas.length ? a.schemas : ['public'], dbConnectivity: { kind: a.run.v1.startsWith('command') ? 'run' : 'session' } },
    ...(a.kpis ? { kpis: { source: { kind: 'sql', query: a.kpis } } } : {}),
    ...(accounting
      ? {
          accounting: {
            sourceKeysQuery: a.sourceKeys,
            processedKeysQuery: a.processedKeys,
            quarantinedKeysQuery: a.quarantinedKeys,
            ...(a.valueColumns.length ? { valueColumns: a.valueColumns } : {}),
          },
        }
      : {}),
    ...(a.kpis ? { history: { query: a.kpis, periodColumn: 'as_of', keyColumns: ['as_of', 'segment', 'kpi'], mayChange: { kind: 'latest', count: 1 } } } : {}),
    ...(a.cutover ? { cutover: command(a.cutover, { env: { DATABASE_URL: '{{databaseUrl}}' } }) } : {}),
    ...(failure ? { failure: failure.kind === 'env' ? { kind: 'env', env: envPair(failure.detail) } : { kind: failure.kind } } : {}),
    ...(Object.keys(waive).length ? { waive } : {}),
  };
}

function envPair(text: string): Record<string, string> {
  const at = text.indexOf('=');
  if (at <= 0) throw new HarnessError(`failure env:${text}: write env:NAME=value`);
  return { [text.slice(0, at)]: text.slice(at + 1) };
}

const explanations: Array<[string, string]> = [
  ['target', 'Where V1 and V2 run: local processes here; docker, swarm, ssh-systemd are the other targets (docs/targets).'],
  ['database', 'An ephemeral PostgreSQL the harness starts and removes, or your server through an environment variable.'],
  ['setup', 'Commands that seed the source data of each test, against {{databaseUrl}}.'],
  ['v2', 'The version you roll back from: how it starts, how its health is judged, how a KPI run is done.'],
  ['v1', 'The version you roll back to, configured the same way.'],
  ['validation', "How V1's first run is proven: KPI rows it wrote (counted in SQL), output files that decode."],
  ['verification', 'Schemas backed up and fingerprinted; how database connectivity is judged as V1 sees it.'],
  ['kpis', 'KPI points as (as_of, segment, kpi, value): V1 vs V2 on the same data, within 1%.'],
  ['accounting', 'Zero data loss, by key: every source key processed or quarantined.'],
  ['history', 'Historical KPI rows fingerprinted per period; only the latest period may change.'],
  ['cutover', 'Records that arrive while V2 is down: every one must be processed by V1.'],
  ['failure', 'How the dry-run breaks V2; the decision criteria must detect it.'],
  ['waive', 'Checks this pipeline cannot prove yet, each with its reason: shown on the checklist. Replace each with config.'],
];

/** A commented drill.config.ts (or .yaml) that the real schema accepts; the caller validates it before writing. */
export function renderConfig(environment: Json, format: 'ts' | 'yaml', name = 'staging'): string {
  if (format === 'yaml') {
    const lines = [
      '# rollback-drill configuration written by `drill init`; reference: docs/configuration.md',
      `# yaml-language-server: $schema=./node_modules/rollback-drill/dist/config.schema.json`,
    ];
    const body = stringify({ environments: { [name]: environment } }, { lineWidth: 0, aliasDuplicateObjects: false });
    const commented = body.split('\n').map((line) => {
      const key = /^ {4}([a-z]+):/.exec(line)?.[1];
      const why = key ? explanations.find(([k]) => k === key)?.[1] : undefined;
      return why ? `    # ${why}\n${line}` : line;
    });
    return [...lines, ...commented].join('\n');
  }
  const entries = Object.entries(environment).map(([key, value]) => {
    const why = explanations.find(([k]) => k === key)?.[1];
    return `${why ? `      // ${why}\n` : ''}      ${key}: ${indent(JSON.stringify(value, null, 2), '      ')},`;
  });
  return [
    "import { defineConfig } from 'rollback-drill';",
    '',
    `// Written by \`drill init\`. Check it with \`npx drill validate\`, run it with \`npx drill run --env ${name}\`.`,
    '// Every field: docs/configuration.md.',
    'export default defineConfig({',
    '  environments: {',
    `    ${name}: {`,
    ...entries,
    '    },',
    '  },',
    '});',
    '',
  ].join('\n');
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : by + line))
    .join('\n');
}
