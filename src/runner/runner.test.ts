import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redactor } from '../redaction/redactor.ts';
import { HarnessError } from '../errors.ts';
import { Evidence } from './evidence.ts';
import { runTest, type DrillPlan, type StepDefinition } from './runner.ts';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'runner-test-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

function options(signal = new AbortController().signal) {
  const redactor = new Redactor();
  redactor.add('hunter2');
  return { signal, evidence: new Evidence(dir, 't', redactor), redactor };
}

const step = (id: string, phase: StepDefinition['phase'], run: StepDefinition['run']): StepDefinition => ({ id, title: id, phase, run });

describe('runTest', () => {
  it('runs steps in order, skips the rest after a failure, and cleans up in reverse', async () => {
    const log: string[] = [];
    const plan: DrillPlan = {
      id: 't',
      title: 't',
      checks: [],
      steps: [
        step('a', 'setup', async (ctx) => {
          log.push('a');
          ctx.defer('undo a', () => log.push('undo a'));
        }),
        step('b', 'rollback', async (ctx) => {
          log.push('b');
          ctx.defer('undo b', () => log.push('undo b'));
          throw new Error('V1 exited with code 1');
        }),
        step('c', 'rollback', async () => {
          log.push('c');
        }),
      ],
    };
    const test = await runTest(plan, options());
    expect(log).toEqual(['a', 'b', 'undo b', 'undo a']);
    expect(test.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(test.steps[1]!.error).toBe('V1 exited with code 1');
    expect(test.status).toBe('failed');
    expect(test.rollbackMs).toBeUndefined();
  });

  it('marks a harness error as error, and redacts secrets from messages and outputs', async () => {
    const plan: DrillPlan = {
      id: 't',
      title: 't',
      checks: [],
      steps: [
        step('db', 'setup', async (ctx) => {
          ctx.record('dsn', 'postgres://u:hunter2@h/db');
          throw new HarnessError('cannot connect with hunter2');
        }),
      ],
    };
    const test = await runTest(plan, options());
    expect(test.status).toBe('error');
    expect(test.steps[0]!.error).toBe('cannot connect with ***');
    expect(JSON.stringify(test)).not.toContain('hunter2');
  });

  it('interrupts the running step on abort and still runs every cleanup', async () => {
    const controller = new AbortController();
    const cleaned: string[] = [];
    const plan: DrillPlan = {
      id: 't',
      title: 't',
      checks: [],
      steps: [
        step('start', 'setup', async (ctx) => {
          ctx.defer('stop v2', () => cleaned.push('v2'));
        }),
        step('hang', 'rollback', async () => {
          controller.abort(new Error('SIGINT'));
          await new Promise(() => undefined);
        }),
        step('never', 'rollback', async () => {
          throw new Error('must not run');
        }),
      ],
    };
    const test = await runTest(plan, options(controller.signal));
    expect(test.steps.map((s) => s.status)).toEqual(['passed', 'interrupted', 'skipped']);
    expect(test.status).toBe('interrupted');
    expect(cleaned).toEqual(['v2']);
  });

  it('measures the rollback window over the rollback steps and evaluates checks on it', async () => {
    let now = 1_000;
    const tick = (ms: number) => async () => {
      now += ms;
    };
    const plan: DrillPlan = {
      id: 't',
      title: 't',
      steps: [step('deploy', 'setup', tick(500)), step('stop', 'rollback', tick(200)), step('start', 'rollback', tick(300))],
      checks: [{ id: 'total', title: 'total', unit: 'ms', threshold: 400, comparator: '<=', measure: (t) => ({ value: t.rollbackMs }) }],
    };
    const test = await runTest(plan, { ...options(), clock: () => now });
    expect(test.rollbackMs).toBe(500);
    expect(test.checks[0]).toMatchObject({ status: 'failed', value: 500, threshold: 400 });
    expect(test.status).toBe('failed');
  });
});
