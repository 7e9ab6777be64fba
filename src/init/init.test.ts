import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../config/load-config.ts';
import { preflight } from '../run/preflight.ts';
import { testIds } from '../drills/registry.ts';
import { HarnessError } from '../errors.ts';
import { kindOf, splitCommandLine, type InitAnswers } from './answers.ts';
import { environmentOf, renderConfig } from './render-config.ts';

const minimal: InitAnswers = {
  v1: 'python3 /opt/v1/app.py --serve',
  v2: 'python3 /opt/v2/app.py --serve',
  health: { v1: 'http:/healthz', v2: 'tcp' },
  run: { v1: 'http-sync:/rollup', v2: 'watermark:select max(finished_at) from etl.runs' },
  database: 'dsn-env:STAGING_DATABASE_URL',
  setup: [],
  schemas: ['etl'],
  valueColumns: [],
  incremental: false,
};

describe('drill init', () => {
  it('splits a command line as a person means it, never through a shell', () => {
    expect(splitCommandLine(`python3 "/opt/my app/run.py" --name 'a b' x\\ y`)).toEqual(['python3', '/opt/my app/run.py', '--name', 'a b', 'x y']);
    expect(() => splitCommandLine('node "unclosed')).toThrow(HarnessError);
  });

  it('names an unknown kind and the kinds it knows', () => {
    expect(() => kindOf('grpc:/run', 'V1 run', ['http-sync', 'command'])).toThrow("V1 run: unknown kind 'grpc' in 'grpc:/run' (use one of: http-sync, command)");
  });

  it('writes a minimal pair that the schema and the preflight accept, every proof it cannot make waived with its reason', () => {
    const environment = environmentOf(minimal);
    const env = parseConfig({ environments: { staging: environment } }, 'init').environments['staging']!;
    expect(() => preflight(env, testIds, 'process')).not.toThrow();
    expect(env.v1).toMatchObject({
      command: 'python3',
      args: ['/opt/v1/app.py', '--serve'],
      health: { kind: 'http', path: '/healthz' },
      run: { kind: 'http-sync', path: '/rollup' },
    });
    expect(env.database).toEqual({ kind: 'dsn', dsnEnv: 'STAGING_DATABASE_URL' });
    expect(env.waive).toMatchObject({
      'zero-data-loss': expect.stringContaining('add accounting'),
      'v1-outputs-written': 'the pipeline writes no output files',
      'failure-detected': expect.any(String),
    });
  });

  it('a complete answer needs no waiver', () => {
    const env = environmentOf({
      ...minimal,
      sourceKeys: 'select id::text as key from src',
      processedKeys: 'select id::text as key from done',
      quarantinedKeys: 'select id::text as key from bad',
      valueColumns: ['amount'],
      kpis: 'select as_of, segment, kpi, value from k',
      kpiRows: 'select count(*) from k where computed_at >= {{runStartedAt}}',
      outputs: 'csv:{{outputDir}}/out',
      failure: 'crash-loop',
      cutover: 'node arrive.js',
    });
    expect(env['waive']).toBeUndefined();
  });

  it('renders a commented YAML that loads as it was validated', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'drill-init-')), 'drill.config.yaml');
    await writeFile(file, renderConfig(environmentOf(minimal), 'yaml'));
    const { config } = await loadConfig(file);
    expect(config.environments['staging']!.v2.run).toMatchObject({ kind: 'watermark', query: 'select max(finished_at) from etl.runs' });
  });

  it('renders a drill.config.ts importing defineConfig from the package, one comment per section', () => {
    const text = renderConfig(environmentOf(minimal), 'ts');
    expect(text).toMatch(/^import \{ defineConfig \} from 'rollback-drill';/);
    expect(text).toContain('// The version you roll back from: how it starts, how its health is judged, how a KPI run is done.\n      v2: {');
  });
});
