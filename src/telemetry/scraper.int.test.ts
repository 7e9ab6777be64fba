import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../util/wait-for.ts';
import { startScraper, type Scraper } from './scraper.ts';

// A real HTTP server on loopback whose /metrics changes on every request, like a pipeline whose
// counters move during a drill. /slow answers after 150 ms and counts overlapping requests;
// /hang accepts the request and never answers.
interface Served {
  server: Server;
  base: string;
  requests: number;
  maxConcurrent: number;
}

const servers: Served[] = [];
const scrapers: Scraper[] = [];

async function serve(): Promise<Served> {
  let concurrent = 0;
  const served = { requests: 0, maxConcurrent: 0 } as Served;
  served.server = createServer((req, res) => {
    served.requests++;
    const body = [
      '# HELP drill_requests_total Requests served.',
      '# TYPE drill_requests_total counter',
      `drill_requests_total ${served.requests}`,
      `drill_rss_bytes{service="v2"} ${100_000 + served.requests * 10}`,
      'drill_latency_seconds{quantile="0.99"} NaN',
      '',
    ].join('\n');
    if (req.url === '/hang') return;
    if (req.url === '/slow') {
      served.maxConcurrent = Math.max(served.maxConcurrent, ++concurrent);
      setTimeout(() => {
        concurrent--;
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
      }, 150);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
  served.base = `http://127.0.0.1:${(served.server.address() as AddressInfo).port}`;
  servers.push(served);
  return served;
}

async function shut(served: Served): Promise<void> {
  if (!served.server.listening) return;
  served.server.closeAllConnections();
  await new Promise<void>((resolve) => served.server.close(() => resolve()));
}

function scrape(url: string, intervalMs: number, timeoutMs = 2000): Scraper {
  const scraper = startScraper({ url, intervalMs, timeoutMs, label: 'v2' });
  scrapers.push(scraper);
  return scraper;
}

const until = (what: string, ok: () => boolean) => waitFor(async () => (ok() ? true : undefined), { timeoutMs: 10_000, intervalMs: 20, what });

afterEach(async () => {
  await Promise.all(scrapers.splice(0).map((s) => s.stop()));
  await Promise.all(servers.splice(0).map(shut));
});

describe('startScraper against a real HTTP server', () => {
  it('accumulates samples whose values change, then records the server going away', async () => {
    const served = await serve();
    const scraper = scrape(`${served.base}/metrics`, 40);
    await until('4 samples not taken', () => scraper.samples().length >= 4);

    const ok = scraper.samples().filter((s) => s.ok);
    expect(ok.length).toBeGreaterThanOrEqual(4);
    const counts = ok.map((s) => s.metrics!['drill_requests_total']!);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts).size).toBe(counts.length);
    expect(ok[0]!.metrics!['drill_rss_bytes{service="v2"}']).toBe(100_000 + counts[0]! * 10);
    expect(ok[0]!.metrics!['drill_latency_seconds{quantile="0.99"}']).toBeNaN();
    expect(ok.every((s) => s.status === 200 && s.label === 'v2')).toBe(true);
    // Scraped at once: the first sample does not wait for an interval.
    expect(served.requests).toBeGreaterThanOrEqual(4);

    await shut(served);
    await until('no failed sample after the server stopped', () => scraper.samples().some((s) => !s.ok));
    const failed = scraper.samples().filter((s) => !s.ok);
    expect(failed[0]!.error).toMatch(new RegExp(`^scrape v2 \\(GET ${served.base}/metrics\\): .*ECONNREFUSED`));
    expect(failed[0]!.status).toBeUndefined();
  });

  it('never overlaps scrapes when the service is slower than the interval', async () => {
    const served = await serve();
    const scraper = scrape(`${served.base}/slow`, 10);
    await until('3 slow samples not taken', () => scraper.samples().length >= 3);
    expect(served.maxConcurrent).toBe(1);
    expect(scraper.samples().every((s) => s.ok && s.durationMs! >= 140)).toBe(true);
  });

  it('records a hanging endpoint as a timed-out sample', async () => {
    const served = await serve();
    const scraper = scrape(`${served.base}/hang`, 50, 200);
    await until('no timed-out sample', () => scraper.samples().length >= 1);
    expect(scraper.samples()[0]).toMatchObject({ ok: false, error: `scrape v2 (GET ${served.base}/hang): no complete answer within 200 ms` });
  });

  it('stop() waits for the scrape in flight and leaves no timer behind', async () => {
    const served = await serve();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const scraper = scrape(`${served.base}/slow`, 20);
    // Stop while the first (150 ms) scrape is in flight: stop() must wait for it.
    await scraper.stop();
    expect(scraper.samples()).toHaveLength(1);
    expect(scraper.samples()[0]!.ok).toBe(true);
    // Other code (the HTTP stack's keep-alive timers) may have let timers lapse meanwhile, so the
    // count can drop; it must not have grown.
    expect(timers()).toBeLessThanOrEqual(before);
    const requests = served.requests;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(served.requests).toBe(requests);
    expect(scraper.samples()).toHaveLength(1);
    await scraper.stop(); // idempotent
  });

  it('never keeps a process alive: a child that stops, or forgets, its scraper exits by itself', async () => {
    const moduleUrl = pathToFileURL(fileURLToPath(new URL('./scraper.ts', import.meta.url))).href;
    for (const mode of ['stop', 'forget']) {
      const code = `
        import { createServer } from 'node:http';
        const { startScraper } = await import(${JSON.stringify(moduleUrl)});
        const server = createServer((req, res) => res.end('up 1\\n'));
        await new Promise((r) => server.listen(0, '127.0.0.1', r));
        const scraper = startScraper({ url: 'http://127.0.0.1:' + server.address().port + '/metrics', intervalMs: 20 });
        await new Promise((r) => setTimeout(r, 150));
        if (${JSON.stringify(mode)} === 'stop') await scraper.stop();
        server.close();
        console.log(scraper.samples().filter((s) => s.ok).length);
      `;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const exit = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
      clearTimeout(killer);
      expect({ mode, exit, err }).toEqual({ mode, exit: 0, err: '' });
      expect(Number(out.trim())).toBeGreaterThanOrEqual(2);
    }
  });
});
