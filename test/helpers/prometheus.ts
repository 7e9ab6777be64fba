import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { freePort } from '../../src/util/free-port.ts';
import { waitFor } from '../../src/util/wait-for.ts';

/** Debian's `prometheus` package (`apt-get install prometheus`; .ci/run installs it), or DRILL_PROMETHEUS_BIN. */
export const prometheusBinary = process.env['DRILL_PROMETHEUS_BIN'] ?? '/usr/bin/prometheus';

/**
 * Whether the tests that need a real Prometheus run: when the binary is there, and in CI always —
 * there a missing binary fails them loudly instead of skipping them.
 */
export const prometheusTestsRun = process.env['CI'] === 'true' || existsSync(prometheusBinary);

if (!prometheusTestsRun) console.warn(`${prometheusBinary} is missing: the Prometheus tests do not run here (apt-get install prometheus; with CI=true they fail instead)`);

export interface ScrapeJob {
  name: string;
  /** host:port of each target. */
  targets: string[];
  metricsPath?: string;
}

export interface StartedPrometheus {
  url: string;
  /** Prometheus's own log so far (for a failing assertion's message). */
  log(): string;
  /** Polls an instant query until `accept` takes its first value; returns that value. */
  waitForValue(query: string, accept: (value: number) => boolean, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on a free loopback port with a temporary TSDB, scraping `jobs` every
 * `scrapeIntervalMs`. Returned once /-/ready answers 200 and every target has been scraped once (its
 * `up` series exists, 0 or 1). `stop()` ends it (SIGTERM, then SIGKILL) and removes its folder.
 */
export async function startPrometheus(options: { jobs: ScrapeJob[]; scrapeIntervalMs?: number }): Promise<StartedPrometheus> {
  const { scrapeIntervalMs = 500 } = options;
  const dir = await mkdtemp(join(tmpdir(), 'drill-prometheus-'));
  const interval = `${scrapeIntervalMs}ms`;
  // YAML is a superset of JSON: the config is written as JSON, no YAML library needed.
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: '1s' },
    scrape_configs: options.jobs.map((job) => ({ job_name: job.name, metrics_path: job.metricsPath ?? '/metrics', static_configs: [{ targets: job.targets }] })),
  };
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 1));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    const child: ResultPromise = execa(
      prometheusBinary,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--log.level=warn'],
      { reject: false, all: true, stdin: 'ignore' },
    );
    child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exited: string | undefined;
    void child.then((result) => (exited = result.message || `exit ${result.exitCode}`));
    const ready = await waitFor(
      async () => {
        if (exited) return 'exited' as const;
        const answer = await fetch(`${url}/-/ready`).catch(() => undefined);
        return answer?.ok ? ('ready' as const) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: `Prometheus not ready on ${url}`, lastSeen: () => output.slice(-500) },
    ).catch(async (error: unknown) => {
      child.kill('SIGKILL');
      await child;
      throw error;
    });
    if (ready === 'ready') {
      const stop = async () => {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await child;
        clearTimeout(killer);
        await rm(dir, { recursive: true, force: true });
      };
      const waitForValue = (query: string, accept: (value: number) => boolean, timeoutMs = 30_000) =>
        waitFor(
          async () => {
            const answer = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query })}`)
              .then((r) => r.json() as Promise<any>)
              .catch(() => undefined);
            const value = answer?.data?.result?.[0]?.value?.[1];
            return value !== undefined && accept(Number(value)) ? Number(value) : undefined;
          },
          { timeoutMs, intervalMs: 200, what: `Prometheus ${url}: ${query} never answered an accepted value`, lastSeen: () => output.slice(-300) },
        );
      // Ready is not scraping: Prometheus hands the targets to its scrape loops only after discovery's first
      // update (up to 5 s later). A test that starts its service before that loses the service's first
      // seconds, and a counter's first answer (where counting starts) comes late. Wait for every target's `up`.
      const targets = options.jobs.reduce((n, job) => n + job.targets.length, 0);
      if (targets > 0)
        await waitForValue('count(up)', (n) => n >= targets).catch(async (error: unknown) => {
          await stop();
          throw error;
        });
      return { url, log: () => output, waitForValue, stop };
    }
    // The free port was taken between our probe and Prometheus's bind: try another, twice.
    if (attempt >= 3 || !/address already in use/.test(output)) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${prometheusBinary} exited before it was ready on ${url} (${exited}):\n${output.slice(-2000)}`);
    }
  }
}

export interface StableAddress {
  /** host:port Prometheus scrapes. */
  address: string;
  /** Requests answered 503 because no process was there. */
  unanswered(): number;
  stop(): Promise<void>;
}

/**
 * A fixed address in front of a process that moves to a new port at every restart, as a Kubernetes
 * Service is in front of a restarting pod: each request goes to wherever `currentPort()` says the
 * process listens now, or is answered 503 while there is none. Prometheus then sees one target whose
 * series continue across restarts. (Rewriting a file_sd file instead would not do: Prometheus passes
 * discovery updates on at most every 5 s, longer than a crash-looping V2 lives.)
 */
export async function startStableAddress(currentPort: () => Promise<number | undefined>): Promise<StableAddress> {
  let unanswered = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const port = await currentPort();
      const answer = port ? await fetch(`http://127.0.0.1:${port}${req.url ?? '/'}`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined) : undefined;
      if (!answer) {
        unanswered++;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('no process behind this address now\n');
        return;
      }
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(await answer.text());
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    unanswered: () => unanswered,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The port (its PORT variable) of a live process whose environment holds `marker` and whose command
 * line contains `command` — how a test finds the V2 a drill started, without help from the harness.
 */
export async function portOfProcess(marker: string, command: string): Promise<number | undefined> {
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p)).sort((a, b) => Number(b) - Number(a))) {
    const [cmdline, environ] = await Promise.all([readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''), readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '')]);
    if (!cmdline.includes(command)) continue;
    const vars = environ.split('\0');
    if (!vars.some((v) => v.includes(marker))) continue;
    const port = vars.find((v) => v.startsWith('PORT='))?.slice(5);
    if (port) return Number(port);
  }
  return undefined;
}

/**
 * `decision.telemetry` for the reference V2 scraped by `job` (docs/decision-criteria.md shows the same
 * queries). Every query reads the raw scrapes of the interval (`…_over_time`, increase()), never only
 * the instant value: a V2 that lives for one scrape leaves stale series behind it, and an instant
 * query after that sees nothing. Per-process counters are increase() over the interval; restarts are
 * the cumulative `abaco_restarts_total` (persisted in the database, so it counts across processes).
 */
export function referenceV2Telemetry(url: string, job: string, stepMs: number) {
  return {
    kind: 'prometheus',
    url,
    labels: { job },
    stepMs,
    queries: {
      latencyMs: 'max(last_over_time(abaco_run_duration_seconds{{selector}}[{{interval}}])) * 1000',
      rssMb: 'max(last_over_time(process_resident_memory_bytes{{selector}}[{{interval}}])) / 1048576',
      cpuPct: 'max(rate(process_cpu_seconds_total{{selector}}[{{interval}}])) * 100',
      throughputRowsPerSec: 'max(last_over_time(abaco_rows_per_second{{selector}}[{{interval}}]))',
      transactions: 'sum(increase(abaco_batches_total{{selector}}[{{interval}}]))',
      errors: 'sum(increase(abaco_batches_total{status="failed",{{labels}}}[{{interval}}]))',
      dbConnectAttempts: 'sum(increase(abaco_db_connection_attempts_total{{selector}}[{{interval}}]))',
      dbConnectFailures: 'sum(increase(abaco_db_connection_failures_total{{selector}}[{{interval}}]))',
      restarts: { total: 'max(max_over_time(abaco_restarts_total{{selector}}[{{interval}}]))' },
      rowsIn: 'sum(increase(abaco_rows_read_total{{selector}}[{{interval}}]))',
      rowsOut: 'sum(increase(abaco_rows_processed_total{{selector}}[{{interval}}]))',
    },
  };
}
