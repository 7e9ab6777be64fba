import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import reference from '../drill.config.ts';
import { drill, repoRoot } from './helpers/cli.ts';
import { testRun } from './helpers/test-config.ts';

/**
 * `drill validate`, the package's public entry and the generated JSON Schema, each from outside
 * this repository where it matters: a config elsewhere imports `rollback-drill` as a user's would.
 */
const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

const schemaFile = join(repoRoot, 'dist', 'config.schema.json');

/**
 * A folder outside the repository with rollback-drill installed as `npm install <repo folder>`
 * installs it: npm links a folder dependency, so node_modules/rollback-drill is a symlink to it.
 */
async function outsideFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drill-outside-'));
  cleanup.push(dir);
  await mkdir(join(dir, 'node_modules'));
  await symlink(repoRoot, join(dir, 'node_modules', 'rollback-drill'), 'dir');
  await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  return dir;
}

/** The reference staging environment (absolute paths) as a drill.config.ts that imports the package by name. */
async function tsConfigOutside(dir: string, change: (staging: Record<string, any>) => void = () => undefined): Promise<string> {
  const run = await testRun(change);
  cleanup.push(run.dir);
  const config = JSON.parse(await readFile(run.configFile, 'utf8'));
  const file = join(dir, 'drill.config.ts');
  await writeFile(
    file,
    `import { defineConfig, type ConfigInput } from 'rollback-drill';\n\nconst config: ConfigInput = ${JSON.stringify(config, null, 2)};\n\nexport default defineConfig(config);\n`,
  );
  return file;
}

describe("import { defineConfig } from 'rollback-drill' outside the repository", () => {
  it('loads and validates through the CLI, and the package types catch a wrong field', async () => {
    const dir = await outsideFolder();
    const file = await tsConfigOutside(dir);
    const result = await drill(['validate', '--config', 'drill.config.ts'], {}, { cwd: dir });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain(`valid: ${file} — 1 environment`);
    expect(result.stdout).toMatch(/^ {2}staging: target process, database ephemeral, rollback budget 5 m 0.0 s, KPI comparison, record accounting$/m);

    // The package's declarations (exports → types) reach a user's editor and tsc.
    await writeFile(
      join(dir, 'typed.ts'),
      "import { defineConfig } from 'rollback-drill';\nexport default defineConfig({ environments: { x: { target: { kind: 'kubernetes' } } } });\n",
    );
    const tsc = await execa(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2023', '--skipLibCheck', 'typed.ts'],
      { cwd: dir, reject: false },
    );
    expect(tsc.exitCode, tsc.stdout).not.toBe(0);
    expect(tsc.stdout).toMatch(/typed\.ts\(2,\d+\): error TS2322: Type '"kubernetes"' is not assignable to type '"process" \| "docker" \| /);
  });

  it('exits 3 naming each bad field of an invalid config', async () => {
    const dir = await outsideFolder();
    await tsConfigOutside(dir, (s) => {
      delete s['v1'].command;
      s['budgets'] = { rollbackMs: 'five minutes' };
    });
    const result = await drill(['validate', '--config', join(dir, 'drill.config.ts')]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('environments.staging.v1.command: Invalid input: expected string, received undefined');
    expect(result.stderr).toContain('environments.staging.budgets.rollbackMs: Invalid input: expected number, received string');
  });
});

describe('drill validate', () => {
  it('summarises one environment with --env, as JSON with --json, and exits 3 for an unknown one', async () => {
    const run = await testRun();
    cleanup.push(run.dir);
    const json = await drill(['validate', '--config', run.configFile, '--env', 'staging', '--json']);
    expect(json.exitCode, json.all).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      file: run.configFile,
      environments: [{ name: 'staging', target: 'process', database: 'ephemeral', rollbackBudgetMs: 300_000 }],
    });
    const unknown = await drill(['validate', '--config', run.configFile, '--env', 'production']);
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toContain("no environment 'production' in config (known: staging)");
  });
});

describe('the JSON Schema generated from the config schema', () => {
  it('is built into dist/ and printed by drill schema', async () => {
    const printed = await drill(['schema']);
    expect(printed.exitCode, printed.all).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(await readFile(schemaFile, 'utf8')));
  });

  it('accepts the reference config and rejects a wrong one, by a real JSON Schema validator', async () => {
    // strict: every keyword must be one the validator knows; the one format used, uri, checked for real.
    // A type list ("type": ["string", "number", …]: a JSON value to compare) is standard JSON Schema; Ajv's strict mode asks to allow it by name.
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, formats: { uri: (value: string) => URL.canParse(value) } });
    const validate = ajv.compile(JSON.parse(await readFile(schemaFile, 'utf8')));
    const config = JSON.parse(JSON.stringify(reference)) as { environments: Record<string, Record<string, any>> };
    expect(validate({ $schema: schemaFile, ...config }), JSON.stringify(validate.errors, null, 2)).toBe(true);
    config.environments['staging']!['target'] = { kind: 'kubernetes' };
    config.environments['staging']!['budgets'] = { rollbackMs: 'five minutes' };
    expect(validate(config)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/environments/staging/target', '/environments/staging/budgets/rollbackMs']));
  });

  it('lets a .json config name it with "$schema" and still validate', async () => {
    const run = await testRun();
    cleanup.push(run.dir);
    const config = JSON.parse(await readFile(run.configFile, 'utf8'));
    const file = join(run.dir, 'with-schema.json');
    await writeFile(file, JSON.stringify({ $schema: schemaFile, ...config }, null, 2));
    const result = await drill(['validate', '--config', file]);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain(`valid: ${file} — 1 environment`);
  });
});
