import { describe, expect, it } from 'vitest';
import { startScraper, toJsonLines, type FetchLike, type ScrapeSample } from './scraper.ts';

// Pure tests with an injected fetch: the failure paths that a real server makes slow or racy
// (a fetch that ignores abort, a body that is not Prometheus text). The real-HTTP behaviour is in
// scraper.int.test.ts.
const answer =
  (status: number, body: string): FetchLike =>
  async () =>
    new Response(body, { status });

async function firstSample(fetchImpl: FetchLike, options: { url?: string; timeoutMs?: number; label?: string } = {}): Promise<ScrapeSample> {
  const scraper = startScraper({ url: options.url ?? 'http://127.0.0.1:9/metrics', intervalMs: 60_000, timeoutMs: options.timeoutMs ?? 1000, label: options.label, fetchImpl });
  await scraper.stop(); // waits for the scrape that started at once
  expect(scraper.samples()).toHaveLength(1);
  return scraper.samples()[0]!;
}

describe('startScraper with an injected fetch', () => {
  it('flattens series into name{labels} keys', async () => {
    const sample = await firstSample(answer(200, 'up 1\nrows_total{table="loans",phase="load"} 20000\n'), { label: 'v2' });
    expect(sample).toMatchObject({ ok: true, status: 200, label: 'v2', metrics: { up: 1, 'rows_total{phase="load",table="loans"}': 20000 } });
    expect(Date.parse(sample.t)).not.toBeNaN();
  });

  it('records a non-2xx answer with its status and a snippet of the body', async () => {
    const sample = await firstSample(answer(503, 'database unavailable'), { label: 'v1' });
    expect(sample).toMatchObject({ ok: false, status: 503, error: 'scrape v1 (GET http://127.0.0.1:9/metrics): answered 503 (database unavailable)' });
    expect(sample.metrics).toBeUndefined();
  });

  it('records text that is not Prometheus exposition as a failed sample naming the line', async () => {
    const sample = await firstSample(answer(200, '<html>\n<body>login</body>'));
    expect(sample.ok).toBe(false);
    expect(sample.error).toMatch(/^scrape \(GET http:\/\/127\.0\.0\.1:9\/metrics\): not Prometheus text: line 1: /);
  });

  it('ends a scrape at its deadline even when fetch ignores the abort signal', async () => {
    const never: FetchLike = () => new Promise(() => undefined);
    const started = Date.now();
    const sample = await firstSample(never, { timeoutMs: 50 });
    expect(sample).toMatchObject({ ok: false, error: 'scrape (GET http://127.0.0.1:9/metrics): no complete answer within 50 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('records a thrown fetch error with its cause', async () => {
    const refused: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    };
    const sample = await firstSample(refused);
    expect(sample.error).toBe('scrape (GET http://127.0.0.1:9/metrics): fetch failed (connect ECONNREFUSED 127.0.0.1:9)');
  });

  it('sends URL credentials as a header and never shows them', async () => {
    let seen: { url: string; auth: string | null } | undefined;
    const spy: FetchLike = async (url, init) => {
      seen = { url, auth: new Headers(init.headers).get('authorization') };
      return new Response('nope', { status: 401 });
    };
    const sample = await firstSample(spy, { url: 'http://scraper:p%40ss-w0rd@127.0.0.1:9/metrics' });
    expect(seen).toEqual({ url: 'http://127.0.0.1:9/metrics', auth: `Basic ${Buffer.from('scraper:p@ss-w0rd').toString('base64')}` });
    expect(JSON.stringify(sample)).not.toContain('w0rd');
  });

  it("scrapeNow takes a sample besides the interval's, kept with the others", async () => {
    let value = 0;
    const counting: FetchLike = async () => new Response(`rows_per_second ${++value}\n`, { status: 200 });
    const scraper = startScraper({ url: 'http://127.0.0.1:9/metrics', intervalMs: 60_000, fetchImpl: counting });
    const now = await scraper.scrapeNow();
    await scraper.stop(); // waits for the interval's first scrape too
    expect(now).toMatchObject({ ok: true, metrics: { rows_per_second: expect.any(Number) } });
    expect(scraper.samples()).toHaveLength(2);
    expect(scraper.samples()).toContainEqual(now);
    expect(
      scraper
        .samples()
        .map((s) => s.metrics?.['rows_per_second'])
        .sort(),
    ).toEqual([1, 2]);
  });

  it('rejects a nonsensical interval as a configuration error', () => {
    expect(() => startScraper({ url: 'http://127.0.0.1:9/metrics', intervalMs: 0, label: 'v2' })).toThrow(/scraper v2: intervalMs and timeoutMs must be positive/);
  });

  it('keeps scraping after a listener throws', async () => {
    let calls = 0;
    const scraper = startScraper({
      url: 'http://127.0.0.1:9/metrics',
      intervalMs: 5,
      fetchImpl: answer(200, 'up 1\n'),
      onSample: () => {
        calls++;
        throw new Error('listener bug');
      },
    });
    while (scraper.samples().length < 3) await new Promise((r) => setTimeout(r, 5));
    await scraper.stop();
    expect(calls).toBe(scraper.samples().length);
  });
});

describe('toJsonLines', () => {
  it('writes one JSON object per line and keeps NaN and infinities distinguishable', () => {
    const samples: ScrapeSample[] = [
      { t: '2026-01-02T03:04:05.000Z', ok: true, status: 200, metrics: { a: 1, b: NaN, c: Infinity, d: -Infinity } },
      { t: '2026-01-02T03:04:05.500Z', ok: false, error: 'refused' },
    ];
    const lines = toJsonLines(samples).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!).metrics).toEqual({ a: 1, b: 'NaN', c: '+Inf', d: '-Inf' });
    expect(JSON.parse(lines[1]!)).toEqual(samples[1]);
    expect(toJsonLines([])).toBe('');
  });
});
