import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import { HarnessError } from '../errors.ts';
import { preflight } from './preflight.ts';

const service = { command: 'node', args: ['v.js'], health: { kind: 'tcp' }, run: { kind: 'command', command: 'node', args: ['run.js'] } };
const complete = {
  target: { kind: 'process' },
  v1: service,
  v2: service,
  validation: { kpiRows: { query: 'select count(*) from k where computed_at >= {{runStartedAt}}' }, outputs: { dir: '{{outputDir}}', format: 'csv' } },
  kpis: { source: { kind: 'sql', query: 'select as_of, segment, kpi, value from k' } },
  accounting: { sourceKeysQuery: 'select 1 as key', processedKeysQuery: 'select 1 as key', quarantinedKeysQuery: 'select 1 as key', valueColumns: ['value'] },
  history: { query: 'select * from k', periodColumn: 'as_of', keyColumns: ['as_of'] },
  cutover: { command: 'node', args: ['arrive.js'] },
  failure: { kind: 'crash-loop' },
};

function env(change: (e: Record<string, any>) => void = () => undefined): EnvironmentConfig {
  const raw = structuredClone(complete) as Record<string, any>;
  change(raw);
  return parseConfig({ environments: { staging: raw } }, 'test.json').environments['staging']!;
}

function problems(e: EnvironmentConfig, selected = ['dry-run', 'data-validation', 'rollback-time', 'roll-forward']): string {
  try {
    preflight(e, selected, e.target.kind);
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    return (error as Error).message;
  }
  return '';
}

describe('preflight: what a selected test needs, before anything starts', () => {
  it('accepts a complete environment', () => {
    expect(problems(env())).toBe('');
  });

  it('names the test, the check and the field to add when a needed proof is not configured', () => {
    const message = problems(
      env((e) => delete e['accounting']),
      ['data-validation'],
    );
    expect(message).toContain("test data-validation needs check 'zero-data-loss', which needs accounting: configure it, or waive it with a reason (waive: { 'zero-data-loss': '…");
  });

  it('a missing failure is a named need of the dry-run, never an internal error', () => {
    expect(
      problems(
        env((e) => delete e['failure']),
        ['dry-run'],
      ),
    ).toContain("test dry-run needs check 'failure-detected', which needs failure");
    expect(
      problems(
        env((e) => delete e['failure']),
        ['rollback-time'],
      ),
    ).toBe('');
  });

  it('accepts a waiver with its reason instead of the config', () => {
    expect(
      problems(
        env((e) => {
          delete e['validation'].outputs;
          e['waive'] = { 'v1-outputs-written': 'KPIs go to PostgreSQL only' };
        }),
      ),
    ).toBe('');
  });

  it('refuses a waiver or a step budget naming an id that no test has (a typo is not silently dropped)', () => {
    const message = problems(
      env((e) => {
        e['waive'] = { 'zero-dataloss': 'typo' };
        e['budgets'] = { steps: { 'stop-v3': 1000 } };
      }),
    );
    expect(message).toMatch(/waive names 'zero-dataloss', which is no check of any test \(checks: .*zero-data-loss/);
    expect(message).toMatch(/budgets\.steps names 'stop-v3', which is no step of any test \(steps: .*stop-v2/);
  });

  it('refuses {{runId}} where the run protocol has no run id', () => {
    expect(problems(env((e) => (e['validation'].kpiRows.query = 'select count(*) from k where run_id = {{runId}}')))).toContain(
      'validation.kpiRows.query uses {{runId}}, which it cannot be given here (it can use: {{runStartedAt}})',
    );
  });

  it('refuses a systemd health check off the ssh-systemd target', () => {
    expect(problems(env((e) => (e['v1'] = { ...service, health: { kind: 'systemd' } })))).toContain(
      "v1.health: kind 'systemd' reads a unit's state, which only the ssh-systemd target has (this run's target: process)",
    );
  });

  it('refuses a hang the criteria cannot see within the observation, and accepts it once they can', () => {
    expect(
      problems(
        env((e) => (e['failure'] = { kind: 'hang' })),
        ['dry-run'],
      ),
    ).toContain("failure kind 'hang' is detected by latency, which cannot fire within failure.observeTimeoutMs (60 s): latency needs at least 180 s");
    expect(
      problems(
        env((e) => {
          e['failure'] = { kind: 'hang', observeTimeoutMs: 30_000 };
          e['decision'] = { criteria: { latency: { threshold: 5000, sustainMs: 5000 } } };
        }),
        ['dry-run'],
      ),
    ).toBe('');
  });
});
