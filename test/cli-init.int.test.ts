import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drill, repoRoot } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { processesMentioning } from './helpers/leftovers.ts';

/** `drill init` as a new user runs it: flags for the orders pair, a real probe, then a real drill of what it wrote. */
const orders = (file: string) => join(repoRoot, 'fixtures/orders', file);
const flags = (output: string) => [
  'init',
  '--output',
  output,
  '--yes',
  '--incremental',
  '--v2',
  `node ${orders('v2/worker.mjs')}`,
  '--v1',
  `node ${orders('v1/worker.mjs')}`,
  '--v2-health',
  `command:node ${orders('v2/healthcheck.mjs')}`,
  '--v1-health',
  'tcp',
  '--v2-run',
  `command:node ${orders('v2/rollup.mjs')}`,
  '--v1-run',
  `command:node ${orders('v1/rollup.mjs')}`,
  '--database',
  'ephemeral',
  '--setup',
  `node ${orders('source/seed.mjs')} --orders 1000`,
  '--cutover',
  `node ${orders('source/seed.mjs')} --append 20`,
  '--schema',
  'shop,etl',
  '--source-keys',
  'select order_id::text as key from shop.orders',
  '--processed-keys',
  'select order_id::text as key from etl.processed_orders',
  '--quarantined-keys',
  'select order_id::text as key from etl.rejected_orders',
  '--kpis',
  'select day as as_of, region as segment, kpi, value from etl.daily_kpis',
  '--kpi-rows',
  'select count(*) from etl.daily_kpis where computed_at >= {{runStartedAt}}',
  '--outputs',
  'csv:{{outputDir}}/daily',
  '--failure',
  'crash-loop',
];

describe('drill init', () => {
  it('with --yes, names every flag a missing answer needs (exit 3), and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-init-'));
    const result = await drill(['init', '--output', join(dir, 'drill.config.yaml'), '--yes', '--v2', 'node v2.js']);
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain("drill init: with --yes nothing is asked; pass --v1 (e.g. --v1 'node /opt/pipeline-v1/worker.mjs'), --v2-health");
    await expect(readFile(join(dir, 'drill.config.yaml'))).rejects.toThrow(/ENOENT/);
  });

  it('names an unknown run protocol before writing anything (exit 3)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-init-'));
    const args = flags(join(dir, 'drill.config.yaml'));
    args[args.indexOf('--v1-run') + 1] = 'grpc:Rollup';
    const result = await drill(args);
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain("V1 run: unknown kind 'grpc' in 'grpc:Rollup' (use one of: http-async, http-sync, command, watermark, none)");
  });

  it('probes the pair for real, writes a config that passes, and a new user drills it by config alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-init-'));
    const config = join(dir, 'drill.config.yaml');
    const init = await drill([...flags(config), '--probe'], { TMPDIR: dir });
    expect(init.exitCode, init.all).toBe(0);
    expect(init.all).toMatch(/ok {2}V2 health \(command\): exit 0: healthy/);
    expect(init.all).toMatch(/ok {2}V2 run \(command\): node \S+rollup\.mjs → exit 0/);
    expect(init.all).toMatch(/ok {2}accounting\.sourceKeysQuery: 1000 rows after V2's run/);
    // The probe's run wrote its outputs to a folder of its own (in TMPDIR), removed when it ended: only the config is left.
    expect(await readdir(dir)).toEqual(['drill.config.yaml']);
    const run = await drill(['run', '--config', config, '--env', 'staging', '--only', 'data-validation', '--report-dir', join(dir, 'reports')], { TMPDIR: dir });
    expect(run.exitCode, run.all).toBe(0);
    expect((await latestJournal(join(dir, 'reports'))).tests[0]!.checks.find((c) => c.id === 'kpi-variance')).toMatchObject({ status: 'passed' });
    expect(await processesMentioning(dir)).toEqual([]);
  });

  it('says which probe failed (exit 1) when V2 never becomes healthy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-init-'));
    const args = flags(join(dir, 'drill.config.yaml'));
    args[args.indexOf('--v2-health') + 1] = 'command:node -e process.exit(1)';
    const result = await drill([...args, '--probe', '--health-timeout-ms', '2000'], { TMPDIR: dir });
    expect(result.exitCode, result.all).toBe(1);
    expect(result.all).toMatch(/NO {2}V2 health \(command\): V2 not healthy after 2000 ms \(node -e process\.exit\(1\) → exit 1\)/);
    expect(await processesMentioning(dir)).toEqual([]);
  });
});
