import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusTestsRun, startPrometheus, startStableAddress, type StableAddress, type StartedPrometheus } from '../../test/helpers/prometheus.ts';
import { freePort } from '../util/free-port.ts';
import { createPrometheusClient } from './prometheus-client.ts';
import { prometheusTelemetrySchema, renderQuery } from './prometheus-schema.ts';
import { createPrometheusSampler } from './prometheus-source.ts';
import { prometheusTelemetry } from './prometheus-range.ts';

/**
 * The Prometheus client, sampler and range reader against a real Prometheus scraping a real HTTP
 * service whose counters move: `drill_batches_total` +1 and `drill_restarts_total` +1 on demand, and a
 * switch that makes the service answer 503 (down) while its counters keep moving.
 */
interface Service {
  server: Server;
  port: number;
  batches: number;
  restarts: number;
  down: boolean;
}

let prometheus: StartedPrometheus;
let service: Service;
let front: StableAddress;

async function serve(): Promise<Service> {
  const state = { batches: 0, restarts: 0, down: false } as Service;
  state.server = createServer((_req, res) => {
    if (state.down) return void res.writeHead(503).end('down\n');
    state.batches++;
    res
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(
        [
          '# TYPE drill_batches_total counter',
          `drill_batches_total{status="committed"} ${state.batches}`,
          `drill_batches_total{status="failed"} 0`,
          '# TYPE drill_restarts_total counter',
          `drill_restarts_total ${state.restarts}`,
          '# TYPE drill_rss_bytes gauge',
          `drill_rss_bytes ${50 * 1024 * 1024}`,
          '',
        ].join('\n'),
      );
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.port = (state.server.address() as AddressInfo).port;
  return state;
}

describe.runIf(prometheusTestsRun)('Prometheus client, sampler and range against a real Prometheus', () => {
  beforeAll(async () => {
    service = await serve();
    front = await startStableAddress(async () => service.port);
    prometheus = await startPrometheus({ jobs: [{ name: 'drill-v2', targets: [front.address] }], scrapeIntervalMs: 250 });
    await prometheus.waitForValue('sum(drill_batches_total{job="drill-v2"})', (v) => v >= 3);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await front?.stop();
    service?.server.closeAllConnections();
    service?.server.close();
  });

  it('answers an instant query with one series, its labels and value; placeholders fill in as Prometheus accepts them', async () => {
    const client = createPrometheusClient({ url: prometheus.url });
    const query = renderQuery('drill_batches_total{status="committed",{{labels}}}', { job: 'drill-v2' }, 1000);
    expect(query).toBe('drill_batches_total{status="committed",job="drill-v2"}');
    const answer = await client.query(query, Date.now());
    expect(answer).toMatchObject({ ok: true, series: [{ labels: { __name__: 'drill_batches_total', job: 'drill-v2', status: 'committed' } }] });
    if (!answer.ok) return;
    expect(answer.series[0]!.points[0]!.value).toBeGreaterThanOrEqual(3);
    // With no labels: {{selector}} disappears and a trailing comma is still valid PromQL.
    const bare = await client.query(renderQuery('sum(drill_rss_bytes{{selector}}) / 1048576', {}, 1000), Date.now());
    expect(bare).toMatchObject({ ok: true, series: [{ points: [{ value: 50 }] }] });
  });

  it('answers a range query with one point per step', async () => {
    await prometheus.waitForValue('count_over_time(drill_rss_bytes{job="drill-v2"}[3s])', (v) => v >= 10);
    const client = createPrometheusClient({ url: prometheus.url });
    const end = Date.now();
    const answer = await client.queryRange('sum(drill_batches_total{job="drill-v2"})', end - 3000, end, 500);
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const points = answer.series[0]!.points;
    expect(points.length).toBeGreaterThanOrEqual(5);
    expect(points.at(-1)!.t - points[0]!.t).toBe((points.length - 1) * 500);
    expect(points.map((p) => p.value)).toEqual([...points.map((p) => p.value)].sort((a, b) => a - b));
  });

  it('names Prometheus’s own error for bad PromQL, and Prometheus down', async () => {
    const bad = await createPrometheusClient({ url: prometheus.url }).query('sum(drill_batches_total', Date.now());
    expect(bad).toEqual({
      ok: false,
      error: expect.stringMatching(/^Prometheus http:\/\/127\.0\.0\.1:\d+ \(POST \/api\/v1\/query\): answered 400 status "error" \(bad_data\): .*parse error/),
    });
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const down = await createPrometheusClient({ url: nobody }).queryRange('up', Date.now() - 1000, Date.now(), 500);
    expect(down).toEqual({ ok: false, error: expect.stringContaining(`Prometheus ${nobody} (POST /api/v1/query_range): unreachable: fetch failed (connect ECONNREFUSED`) });
  });

  it('the sampler: a failing query leaves its field missing and is named once with its count; the others answer', async () => {
    const config = prometheusTelemetrySchema.parse({
      kind: 'prometheus',
      url: prometheus.url,
      labels: { job: 'drill-v2' },
      stepMs: 100,
      queries: {
        transactions: 'sum(increase(drill_batches_total{{selector}}[{{interval}}]))',
        rssMb: 'sum(drill_rss_bytes{{selector}}) / 1048576',
        deadlocks: 'sum(rate(drill_deadlocks_total{{selector}}[{{interval}}])', // unbalanced: Prometheus refuses it
        nullHandlingErrors: 'sum(drill_null_errors_total{{selector}})', // no such series: no answer
      },
    });
    const sampler = createPrometheusSampler(config);
    const first = await sampler.sample(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const second = await sampler.sample(Date.now());
    expect(first).toMatchObject({ rssMb: 50 });
    expect(second).toMatchObject({ rssMb: 50, transactions: expect.any(Number) });
    expect(second!.transactions).toBeGreaterThan(0);
    for (const sample of [first, second]) expect(sample).not.toHaveProperty('deadlocks');
    for (const sample of [first, second]) expect(sample).not.toHaveProperty('nullHandlingErrors');
    const summary = sampler.summary();
    expect(summary.answers).toMatchObject({
      rssMb: { answered: 2, missing: 0, failed: 0 },
      deadlocks: { answered: 0, failed: 2 },
      nullHandlingErrors: { answered: 0, missing: 2, failed: 0 },
    });
    expect(summary.errors).toEqual([
      {
        message: expect.stringMatching(
          /^deadlocks: Prometheus .* answered 400 status "error" \(bad_data\): .*parse error.* \(query sum\(rate\(drill_deadlocks_total\{\{selector\}\}\[\{\{interval\}\}\]\)\)$/,
        ),
        count: 2,
        firstAt: expect.any(String),
      },
    ]);
  });

  it('the range reader builds a decidable series and refuses a query answering several series, naming them', async () => {
    await prometheus.waitForValue('count_over_time(drill_rss_bytes{job="drill-v2"}[4s])', (v) => v >= 14);
    const client = createPrometheusClient({ url: prometheus.url });
    const end = Date.now();
    const config = prometheusTelemetrySchema.parse({
      kind: 'prometheus',
      url: prometheus.url,
      labels: { job: 'drill-v2' },
      queries: { transactions: 'sum(increase(drill_batches_total{{selector}}[{{interval}}]))', rssMb: 'sum(drill_rss_bytes{{selector}}) / 1048576' },
    });
    const telemetry = await prometheusTelemetry(config, { client, fromMs: end - 4000, toMs: end, stepMs: 1000 });
    expect(telemetry.samples.length).toBeGreaterThanOrEqual(4);
    expect(telemetry.samples.every((s) => s.rssMb === 50)).toBe(true);
    expect(telemetry.source).toMatchObject({ kind: 'prometheus', url: prometheus.url, range: { stepMs: 1000 }, fields: { transactions: ['prometheus'], rssMb: ['prometheus'] } });
    const several = prometheusTelemetrySchema.parse({ ...config, queries: { transactions: 'increase(drill_batches_total{{selector}}[{{interval}}])' } });
    await expect(prometheusTelemetry(several, { client, fromMs: end - 4000, toMs: end, stepMs: 1000 })).rejects.toThrow(
      /^transactions: the query answered 2 series \(\{.*status="committed".*\}, \{.*status="failed".*\}\): aggregate it to one \(sum\(\), max\(\)\)/,
    );
  });

  it('a total counts a change made while the service was down exactly once; increase() over tiled windows cannot see it', async () => {
    const config = prometheusTelemetrySchema.parse({
      kind: 'prometheus',
      url: prometheus.url,
      labels: { job: 'drill-v2' },
      stepMs: 100,
      queries: { restarts: { total: 'max(drill_restarts_total{{selector}})' }, deadlocks: 'sum(increase(drill_restarts_total{{selector}}[{{interval}}]))' },
    });
    const sampler = createPrometheusSampler(config);
    const seen = () => prometheus.waitForValue('max(drill_restarts_total{job="drill-v2"})', (v) => v === service.restarts);
    await sampler.sample(Date.now()); // where counting starts
    service.down = true;
    // Down for longer than a query window: the windows either side of the outage hold no change.
    await prometheus.waitForValue('up{job="drill-v2"}', (v) => v === 0);
    service.restarts += 2;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await sampler.sample(Date.now());
    service.down = false;
    await seen();
    const samples = [];
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 600));
      samples.push(await sampler.sample(Date.now()));
    }
    const restarts = samples.reduce((sum, s) => sum + (s?.restarts ?? 0), 0);
    expect(restarts).toBe(2);
    // The same counter through increase() over the same windows: the 2 happened between two windows' scrapes.
    const increases = samples.reduce((sum, s) => sum + (s?.deadlocks ?? 0), 0);
    expect(increases).toBeLessThan(2);
  });
});
