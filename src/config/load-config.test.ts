import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { parseConfig, selectEnvironment } from './load-config.ts';

const service = { command: 'node', args: ['v.js'], health: { kind: 'http', path: '/health' }, run: { kind: 'http-async' } };
const valid = {
  environments: {
    staging: {
      target: { kind: 'process' },
      v1: service,
      v2: service,
      validation: { kpiRows: { query: 'select 1' }, outputs: { dir: '{{outputDir}}', format: 'parquet' } },
    },
  },
};

function issuesOf(raw: unknown): string {
  try {
    parseConfig(raw, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    return (error as Error).message;
  }
  throw new Error('config was accepted');
}

describe('parseConfig', () => {
  it('fills defaults for a minimal environment', () => {
    const env = parseConfig(valid, 'test.json').environments['staging']!;
    expect(env.database).toEqual({ kind: 'ephemeral' });
    expect(env.budgets.rollbackMs).toBe(300_000);
    expect(env.v1.health).toEqual({ kind: 'http', path: '/health' });
    expect(env.v1.run).toMatchObject({ kind: 'http-async', statusPath: '/runs/{runId}' });
  });

  it('names the path of an unknown target kind', () => {
    const raw = structuredClone(valid) as any;
    raw.environments.staging.target.kind = 'kubernetes';
    expect(issuesOf(raw)).toMatch(/environments\.staging\.target\.kind: .*process/);
  });

  it('names the path of a missing field', () => {
    const raw = structuredClone(valid) as any;
    delete raw.environments.staging.v1.command;
    expect(issuesOf(raw)).toContain('environments.staging.v1.command: Invalid input: expected string, received undefined');
  });

  it('names the path of a wrong type', () => {
    const raw = structuredClone(valid) as any;
    raw.environments.staging.budgets = { rollbackMs: 'fast' };
    expect(issuesOf(raw)).toContain('environments.staging.budgets.rollbackMs: Invalid input: expected number, received string');
  });

  it('rejects unknown keys instead of ignoring them', () => {
    const raw = structuredClone(valid) as any;
    raw.environments.staging.v2.helthPath = '/health';
    expect(issuesOf(raw)).toContain('environments.staging.v2.helthPath');
  });
});

describe('selectEnvironment', () => {
  const config = parseConfig(valid, 'test.json');

  it('refuses an unknown environment, listing the known ones', () => {
    expect(() => selectEnvironment(config, 'prod')).toThrow("no environment 'prod' in config (known: staging)");
  });

  it('refuses an unknown --target kind', () => {
    expect(() => selectEnvironment(config, 'staging', 'kubernetes')).toThrow("unknown target kind 'kubernetes' given by --target");
  });

  it("--target swarm takes a docker environment's images; --target ssh-systemd defaults to the test host the harness starts", () => {
    const docker = {
      ...config,
      environments: {
        staging: {
          ...config.environments['staging']!,
          target: {
            kind: 'docker',
            v1: { image: 'team/v1:7', port: 8080 },
            v2: { image: 'team/v2:8', port: 8080 },
            postgresImage: 'drill-postgres:latest',
            buildImages: false,
            runAs: 'harness',
            engineTimeoutMs: 5000,
          },
        },
      },
    } as typeof config;
    expect(selectEnvironment(docker, 'staging', 'swarm').target).toMatchObject({ kind: 'swarm', v1: { image: 'team/v1:7' }, v2: { image: 'team/v2:8' }, buildImages: false });
    expect(selectEnvironment(config, 'staging', 'ssh-systemd').target).toMatchObject({ kind: 'ssh-systemd', host: { kind: 'test-container' } });
  });

  it('--target docker on a process environment uses the reference images and never falls back', () => {
    expect(selectEnvironment(config, 'staging', 'docker').target).toEqual({
      kind: 'docker',
      v1: { image: 'drill-pipeline-v1:latest', port: 8080 },
      v2: { image: 'drill-pipeline-v2:latest', port: 8080 },
      postgresImage: 'drill-postgres:latest',
      buildImages: true,
      runAs: 'harness',
      engineTimeoutMs: 5000,
    });
  });

  it('--target docker keeps the environment own images but drops its fallback; --target process replaces it', () => {
    const raw = structuredClone(valid) as any;
    raw.environments.staging.target = { kind: 'docker', v1: { image: 'acme/v1:1.4' }, fallback: 'process' };
    const docker = parseConfig(raw, 'test.json');
    expect(docker.environments['staging']!.target).toMatchObject({ fallback: 'process', v2: { image: 'drill-pipeline-v2:latest' } });
    const forced = selectEnvironment(docker, 'staging', 'docker').target;
    expect(forced).toMatchObject({ kind: 'docker', v1: { image: 'acme/v1:1.4', port: 8080 } });
    expect(forced).not.toHaveProperty('fallback');
    expect(selectEnvironment(docker, 'staging', 'process').target).toEqual({ kind: 'process' });
  });

  it('defaults the report settings and names a bad one', () => {
    expect(parseConfig(valid, 'test.json').environments['staging']!.report).toEqual({ regressionRatio: 1.2, pdf: 'if-available' });
    const raw = structuredClone(valid) as any;
    raw.environments.staging.report = { regressionRatio: 0.8, pdf: 'always' };
    const issues = issuesOf(raw);
    expect(issues).toContain('environments.staging.report.regressionRatio');
    expect(issues).toContain('environments.staging.report.pdf');
  });

  it('names the field of a bad docker target', () => {
    const raw = structuredClone(valid) as any;
    raw.environments.staging.target = { kind: 'docker', v1: { image: '', port: 70000 }, fallback: 'ssh' };
    const issues = issuesOf(raw);
    expect(issues).toContain('environments.staging.target.v1.image');
    expect(issues).toContain('environments.staging.target.v1.port');
    expect(issues).toContain('environments.staging.target.fallback');
  });
});
