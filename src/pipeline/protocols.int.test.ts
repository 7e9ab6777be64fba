import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.ts';
import type { HealthConfig, RunConfig } from '../config/service-schema.ts';
import { startEphemeralPostgres, type EphemeralPostgres } from '../database/ephemeral-postgres.ts';
import { newClient } from '../database/pg-session.ts';
import { ProcessTarget } from '../targets/process/process-target.ts';
import type { StartedDeployment } from '../targets/target.ts';
import { waitHealthy } from './health-check.ts';
import { runPipeline } from './run-pipeline.ts';

/**
 * Every run protocol and health kind against a real service (a pipeline of another shape than the
 * reference one: test/fixtures/sync-service.mjs) and a real PostgreSQL, bad inputs included.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
let server: EphemeralPostgres;
let dsn: string;
let started: StartedDeployment[] = [];

beforeAll(async () => {
  server = await startEphemeralPostgres();
  dsn = await server.createDatabase('protocols');
}, 120_000);
afterAll(async () => server?.stop());
afterEach(async () => {
  await Promise.all(started.map((s) => s[Symbol.asyncDispose]()));
  started = [];
});

/** A health or run config as a user writes it, through the real schema (defaults filled). */
function configured(v: { health: unknown; run: unknown }): { health: HealthConfig; run: RunConfig } {
  const service = { command: 'node', ...v };
  const env = parseConfig({ environments: { e: { target: { kind: 'process' }, v1: service, v2: service } } }, 'test').environments['e']!;
  return { health: env.v1.health, run: env.v1.run };
}

async function startService(env: Record<string, string> = {}): Promise<StartedDeployment> {
  const target = new ProcessTarget();
  const deployment = await target.deploy({
    name: 'V1',
    role: 'v1',
    command: process.execPath,
    args: ['test/fixtures/sync-service.mjs'],
    cwd: root,
    env: { PORT: '{{port}}', DATABASE_URL: dsn, ...env },
    hostEnv: { PATH: process.env['PATH'] ?? '' },
    writableDirs: [],
  });
  const service = await deployment.start();
  started.push(service);
  // Listening first: the runs below are asked of a service that is up.
  await waitHealthy(service, { kind: 'tcp' }, { timeoutMs: 10_000 });
  return service;
}

const ctx = (service: StartedDeployment) => ({ service, dsn, fill: (v: string) => v });

describe('health kinds', () => {
  it('http with a JSON predicate: waits through 503 starting, healthy once status is ok', async () => {
    const service = await startService({ READY_AFTER_MS: '400' });
    const { health } = configured({ health: { kind: 'http', path: '/healthz', json: { path: 'status', equals: 'ok' } }, run: { kind: 'none', reason: 'x' } });
    const healthy = await waitHealthy(service, health, { timeoutMs: 10_000 });
    expect(healthy).toMatchObject({ what: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/healthz$/), seen: '200' });
    expect(healthy.waitedMs).toBeGreaterThanOrEqual(300);
  });

  it('a predicate that never matches fails at the deadline, naming the field, what it was and what was wanted', async () => {
    const service = await startService({ READY_AFTER_MS: '0' });
    const { health } = configured({ health: { kind: 'http', path: '/healthz', json: { path: 'status', equals: 'green' } }, run: { kind: 'none', reason: 'x' } });
    await expect(waitHealthy(service, health, { timeoutMs: 1500 })).rejects.toThrow(
      /^V1 not healthy after 1500 ms \(GET http:\/\/127\.0\.0\.1:\d+\/healthz → 200, status = "ok", want "green"\)$/,
    );
  });

  it('tcp: healthy once the port accepts a connection', async () => {
    const service = await startService({ READY_AFTER_MS: '0' });
    const { health } = configured({ health: { kind: 'tcp' }, run: { kind: 'none', reason: 'x' } });
    expect(await waitHealthy(service, health, { timeoutMs: 10_000 })).toMatchObject({ what: `tcp 127.0.0.1:${service.address.port}`, seen: 'connected' });
  });

  it('command: runs where the version runs, with its environment; exit 0 is healthy', async () => {
    const service = await startService({ READY_AFTER_MS: '0', MARKER: 'present' });
    const ok = configured({
      health: { kind: 'command', command: process.execPath, args: ['-e', 'process.exit(process.env.MARKER === "present" ? 0 : 1)'] },
      run: { kind: 'none', reason: 'x' },
    });
    expect(await waitHealthy(service, ok.health, { timeoutMs: 10_000 })).toMatchObject({ seen: 'exit 0' });
    const missing = configured({ health: { kind: 'command', command: 'no-such-healthcheck', args: [] }, run: { kind: 'none', reason: 'x' } });
    await expect(waitHealthy(service, missing.health, { timeoutMs: 1000 })).rejects.toThrow(/V1 not healthy after 1000 ms \(no-such-healthcheck → cannot run: .*ENOENT/);
  });
});

describe('run protocols', () => {
  it('http-sync: one request, done when it answers; the row count read from the answer, no run id needed', async () => {
    const service = await startService({ READY_AFTER_MS: '0' });
    const { run } = configured({ health: { kind: 'tcp' }, run: { kind: 'http-sync', path: '/rollup', rowsField: 'rows' } });
    const result = await runPipeline(run, ctx(service));
    expect(result).toMatchObject({ protocol: 'http-sync', ok: true, rows: 3, output: '{"rows":3}' });
    expect(result!.runId).toBeUndefined();
    expect(result!.detail).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/rollup → 200 \{"rows":3\}$/);
    expect(Date.parse(result!.startedAt)).toBeGreaterThan(0);
  });

  it('http-sync: a failing status and a missing field are named, with the answer', async () => {
    const failing = await startService({ READY_AFTER_MS: '0', FAIL_ROLLUP: '1' });
    const { run } = configured({ health: { kind: 'tcp' }, run: { kind: 'http-sync', path: '/rollup' } });
    expect(await runPipeline(run, ctx(failing))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^V1: POST http:\S+\/rollup answered 500, expected a 2xx status: \{"error":"boom: the rollup failed"\}$/),
    });
    const service = await startService({ READY_AFTER_MS: '0' });
    const wrongField = configured({ health: { kind: 'tcp' }, run: { kind: 'http-sync', path: '/rollup', rowsField: 'written' } });
    expect(await runPipeline(wrongField.run, ctx(service))).toMatchObject({ ok: false, error: expect.stringContaining("no row count at 'written'") });
  });

  it('http-async against a service that answers without a run id says so, and points to http-sync', async () => {
    const service = await startService({ READY_AFTER_MS: '0' });
    const { run } = configured({ health: { kind: 'tcp' }, run: { kind: 'http-async', triggerPath: '/rollup' } });
    expect(await runPipeline(run, ctx(service))).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /POST \S+\/rollup → 200 without a run id at 'runId' \(\{"rows":3\}\); a service that answers when the run is done is run: \{ kind: 'http-sync' \}/,
      ),
    });
  });

  it('command: runs where the version runs with its environment; exit 0 succeeds, output kept; failures named', async () => {
    const service = await startService({ READY_AFTER_MS: '0', BATCH: 'nightly' });
    const ok = configured({ health: { kind: 'tcp' }, run: { kind: 'command', command: process.execPath, args: ['-e', 'console.log("processed", process.env.BATCH)'] } });
    const result = await runPipeline(ok.run, ctx(service));
    expect(result).toMatchObject({ protocol: 'command', ok: true, status: 'succeeded' });
    expect(result!.output).toContain('processed nightly');
    const failing = configured({ health: { kind: 'tcp' }, run: { kind: 'command', command: process.execPath, args: ['-e', 'console.error("no source"); process.exit(4)'] } });
    expect(await runPipeline(failing.run, ctx(service))).toMatchObject({ ok: false, error: expect.stringMatching(/^V1: run command \S+ -e .* exited with code 4:\nno source$/) });
    const missing = configured({ health: { kind: 'tcp' }, run: { kind: 'command', command: '/opt/nowhere/test-kpi.py', args: [] } });
    expect(await runPipeline(missing.run, ctx(service))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^V1: run command \/opt\/nowhere\/test-kpi\.py cannot be started: .*ENOENT/),
    });
    const slow = configured({ health: { kind: 'tcp' }, run: { kind: 'command', command: process.execPath, args: ['-e', 'setTimeout(() => {}, 10000)'], timeoutMs: 300 } });
    expect(await runPipeline(slow.run, ctx(service))).toMatchObject({ ok: false, error: expect.stringContaining('did not finish within 300 ms') });
  });

  it('watermark: done when a run that started after the wait has finished; errors and a watermark that never advances are named', async () => {
    const service = await startService({ READY_AFTER_MS: '0' });
    const client = newClient({ connectionString: dsn });
    await client.connect();
    try {
      await client.query('create table if not exists etl_runs (started_at timestamptz, finished_at timestamptz)');
      // A run already in flight when the wait begins does not count; the scheduler's next one does.
      await client.query(`insert into etl_runs values (clock_timestamp() - interval '1 minute', null)`);
      const { run } = configured({
        health: { kind: 'tcp' },
        run: { kind: 'watermark', query: 'select count(finished_at) from etl_runs where started_at >= {{runStartedAt}}', intervalMs: 50 },
      });
      const scheduler = setTimeout(() => void client.query('insert into etl_runs values (clock_timestamp(), clock_timestamp())'), 400);
      const result = await runPipeline(run, ctx(service));
      clearTimeout(scheduler);
      expect(result).toMatchObject({ protocol: 'watermark', ok: true, detail: 'watermark 0 → 1' });
      expect(result!.durationMs).toBeGreaterThanOrEqual(300);

      const never = configured({ health: { kind: 'tcp' }, run: { kind: 'watermark', query: 'select max(finished_at) from etl_runs where false', timeoutMs: 500, intervalMs: 50 } });
      expect(await runPipeline(never.run, ctx(service))).toMatchObject({
        ok: false,
        error: 'V1: the watermark did not advance after 500 ms (select max(finished_at) from etl_runs where false → null, was null)',
      });
      const broken = configured({ health: { kind: 'tcp' }, run: { kind: 'watermark', query: 'select max(finished) from etl_runs' } });
      expect(await runPipeline(broken.run, ctx(service))).toMatchObject({
        ok: false,
        error: expect.stringMatching(/the watermark query failed \(select max\(finished\) from etl_runs\): column "finished" does not exist/),
      });
    } finally {
      await client.end();
    }
  });

  it('none: nothing to ask for', async () => {
    const service = await startService({ READY_AFTER_MS: '0' });
    const { run } = configured({ health: { kind: 'tcp' }, run: { kind: 'none', reason: 'runs from cron' } });
    expect(await runPipeline(run, ctx(service))).toBeUndefined();
  });
});
