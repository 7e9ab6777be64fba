import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drill } from './helpers/cli.ts';
import { testRun } from './helpers/test-config.ts';

/** Bad input never starts anything: exit 3 with a message that names the field path. */
describe('drill run with bad input', () => {
  it('exits 3 naming the path of an unknown target kind', async () => {
    const run = await testRun((s) => (s['target'] = { kind: 'kubernetes' }));
    const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('environments.staging.target.kind');
  });

  it('exits 3 naming the path of a missing field', async () => {
    const run = await testRun((s) => delete s['v1'].command);
    const result = await drill(['run', '--config', run.configFile]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('environments.staging.v1.command: Invalid input: expected string, received undefined');
  });

  it('exits 3 naming the path of a wrong type', async () => {
    const run = await testRun((s) => (s['budgets'] = { rollbackMs: '5 minutes' }));
    const result = await drill(['run', '--config', run.configFile]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('environments.staging.budgets.rollbackMs: Invalid input: expected number, received string');
  });

  it('reads YAML configs as data and reports their syntax errors', async () => {
    const run = await testRun();
    const yaml = join(run.dir, 'drill.config.yaml');
    await writeFile(yaml, 'environments:\n  staging: [unclosed\n');
    const result = await drill(['run', '--config', yaml]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/is not valid YAML/);
  });

  it('exits 3 for an unknown --target, --only or --env', async () => {
    const run = await testRun();
    for (const args of [
      ['--target', 'kubernetes'],
      ['--only', 'rollback-tme'],
      ['--env', 'production'],
    ]) {
      const result = await drill(['run', '--config', run.configFile, ...args]);
      expect(result.exitCode, args.join(' ')).toBe(3);
      expect(result.stderr, args.join(' ')).toContain(args[1]);
    }
  });

  it('exits 3 on an unknown option', async () => {
    const result = await drill(['run', '--frobnicate']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
  });
});
