import { startScraper } from '../../telemetry/scraper.ts';
import { startResourceSampler } from '../../telemetry/resource-sampler.ts';
import { startTelemetryRecorder } from '../../telemetry/telemetry-recorder.ts';
import { createPrometheusSampler } from '../../telemetry/prometheus-source.ts';
import { select } from '../../telemetry/telemetry-metrics.ts';
import { canConnect } from '../../database/connectivity.ts';
import { databaseNow } from '../../pipeline/run-pipeline.ts';
import { describeHealth, waitHealthy } from '../../pipeline/health-check.ts';
import type { StepContext, StepDefinition } from '../../runner/runner.ts';
import { serviceFill, serviceSpec } from '../../runner/service-spec.ts';
import { need, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../../runner/world.ts';
import type { StepPhase } from '../../journal/journal-types.ts';

export interface LaunchOptions {
  /** Extra environment, e.g. the fault switch of a V2 restarted to simulate a failure. */
  env?: Record<string, string>;
  /** Evidence log file name (default v1.log / v2.log). */
  logName?: string;
  id?: string;
  title?: string;
}

/** Deploys and starts a version, queueing its stop, and verifies the process is running. */
export function startService(world: DrillWorld, state: TestState, key: ServiceKey, phase: StepPhase, options: LaunchOptions = {}): StepDefinition {
  const name = serviceName[key];
  return {
    id: options.id ?? `start-${key}`,
    title: options.title ?? `Start ${name} and verify it is running`,
    phase,
    async run(ctx) {
      await launch(world, state, key, ctx, options);
      const started = need(state.running[key], name);
      if (!(await started.isRunning())) throw new Error(`${name} is not running right after start; last log lines:\n${started.logs(15).join('\n')}`);
      ctx.record('baseUrl', started.baseUrl);
    },
  };
}

export function waitServiceHealthy(world: DrillWorld, state: TestState, key: ServiceKey, phase: StepPhase): StepDefinition {
  const name = serviceName[key];
  return {
    id: `${key}-healthy`,
    title: `Wait until ${name} answers its health check (${world.env[key].health.kind})`,
    phase,
    async run(ctx) {
      const config = world.env[key];
      const service = need(state.running[key], name);
      ctx.record('health', describeHealth(service, config.health));
      const healthy = await waitHealthy(service, config.health, { timeoutMs: config.healthTimeoutMs, signal: ctx.signal, fill: serviceFill(world, state) });
      ctx.record('seen', healthy.seen);
      ctx.record('waitedMs', healthy.waitedMs);
    },
  };
}

/** Deploy + start + healthy in one step: getting V2 up is the drill's precondition. */
export function deployService(world: DrillWorld, state: TestState, key: ServiceKey, phase: StepPhase = 'setup', options: LaunchOptions = {}): StepDefinition {
  const name = serviceName[key];
  const start = startService(world, state, key, phase, options);
  const healthy = waitServiceHealthy(world, state, key, phase);
  return {
    id: options.id ?? `deploy-${key}`,
    title: options.title ?? `Deploy ${name}, start it and wait until healthy`,
    phase,
    async run(ctx) {
      await start.run(ctx);
      await healthy.run(ctx);
    },
  };
}

async function launch(world: DrillWorld, state: TestState, key: ServiceKey, ctx: StepContext, options: LaunchOptions): Promise<void> {
  // A version with no run trigger is judged over what it wrote since it started: the database's clock then.
  const startedDb = world.env[key].run.kind === 'none' && state.databaseUrl ? await databaseNow(state.databaseUrl) : undefined;
  const { spec, closeLog } = await serviceSpec(world, state, key, { ...(options.env ? { env: options.env } : {}), ...(options.logName ? { logName: options.logName } : {}) });
  ctx.defer(`close ${spec.name} log`, closeLog);
  const deployment = await world.target.deploy(spec);
  const startedMs = Date.now();
  const started = await deployment.start();
  state.running[key] = started;
  if (startedDb) state.startedAt[key] = { ms: startedMs, db: startedDb };
  ctx.defer(`stop ${spec.name}`, async () => {
    await started[Symbol.asyncDispose]();
    if (state.running[key] === started) delete state.running[key];
  });
  const resources = startResourceSampler(() => started.sample(), world.env[key].metricsIntervalMs);
  (state.resources[key] ??= []).push(resources);
  ctx.defer(`stop sampling ${spec.name}'s resources`, () => resources.stop());
  if (key === 'v2' && !state.telemetry) await recordTelemetry(world, state, ctx);
  const { metricsPath, metricsIntervalMs } = world.env[key];
  if (metricsPath) {
    // One scraper per start: a restarted version's series continues in the next scraper.
    const scraper = startScraper({ url: started.baseUrl + metricsPath, intervalMs: metricsIntervalMs, label: spec.name });
    (state.scrapers[key] ??= []).push(scraper);
    ctx.defer(`stop scraping ${spec.name}`, () => scraper.stop());
  }
}

/**
 * V2's telemetry for the decision criteria, from its first start to the end of the test: newest
 * /metrics scrape (or Prometheus's answers), RSS/CPU, a database probe every interval. Kept as evidence
 * in the format `drill decide --telemetry` reads; where each field came from is recorded at once.
 */
async function recordTelemetry(world: DrillWorld, state: TestState, ctx: StepContext): Promise<void> {
  const dsn = need(state.databaseUrl, 'the drill database');
  const { telemetry } = world.env.decision;
  const recorder = startTelemetryRecorder(
    {
      latestScrape: () => {
        const scraper = state.scrapers.v2?.at(-1);
        const sample = scraper?.samples().findLast((s) => s.ok && s.metrics);
        return scraper && sample ? { process: scraper, sample } : undefined;
      },
      // A reading older than two intervals belongs to a process that has gone: missing, never repeated.
      latestResources: () => {
        const reading = state.resources.v2?.at(-1)?.readings().at(-1);
        return reading && Date.now() - Date.parse(reading.t) <= 2 * world.env.v2.metricsIntervalMs ? reading : undefined;
      },
      harnessLatencyMs: () => state.harnessLatencyMs?.(),
      probeDatabase: () => canConnect(dsn, 2000),
      ...(world.env.decision.sourceProbeQuery ? { probeSource: () => canConnect(dsn, 2000, world.env.decision.sourceProbeQuery) } : {}),
      ...(state.blob ? { probeBlob: state.blob.probe } : {}),
      baselineThroughput: () => {
        const selector = world.env.decision.metrics.gauges.throughputRowsPerSec;
        if (!selector) return undefined;
        for (const scraper of state.scrapers.v2 ?? []) {
          for (const sample of scraper.samples()) {
            const value = sample.metrics ? select(sample.metrics, selector) : undefined;
            if (value !== undefined && value > 0) return value;
          }
        }
        return undefined;
      },
      ...(telemetry.kind === 'prometheus' ? { prometheus: createPrometheusSampler(telemetry) } : {}),
    },
    { intervalMs: world.env.decision.intervalMs, metrics: world.env.decision.metrics },
  );
  state.telemetry = recorder;
  await recorder.firstSample;
  ctx.record('telemetry', recorder.source());
  ctx.defer('stop recording V2 telemetry', async () => {
    await recorder.stop();
    await state.evidence.write('v2-telemetry.json', JSON.stringify(recorder.telemetry(), null, 1));
  });
}
