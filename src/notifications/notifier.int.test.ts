import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../util/free-port.ts';
import { notificationEvents, notificationsSchema, type NotificationsInput } from './notifications-schema.ts';
import { createNotifier } from './notifier.ts';

// A real HTTP receiver on loopback. /ok/* records and answers 204, /fail answers 500, /hang
// records and never answers (the chat service that is down but still accepts connections).
interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const TOKEN = 'hook-token-5e1d0b';
const details = { runId: '20260102-030405-dry-run', environment: 'staging', testId: 'dry-run', message: 'V2 stopped in 412 ms' };
const received: Received[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      if (req.url?.startsWith('/ok/')) res.writeHead(204).end();
      else if (req.url === '/fail') res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error: queue full');
      // /hang: no answer, ever.
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const notifierFor = (input: NotificationsInput) => createNotifier(notificationsSchema.parse(input), { env: { HOOK_TOKEN: TOKEN } });
const receivedOn = (path: string) => received.filter((r) => r.path === path);

describe('notifier against a real HTTP receiver', () => {
  it('delivers every event with its body, JSON content type and bearer token, only to subscribers', async () => {
    const notifier = notifierFor({
      webhooks: [
        { name: 'incidents', url: `${base}/ok/incidents`, tokenEnv: 'HOOK_TOKEN', headers: { 'X-Source': 'rollback-drill' } },
        { name: 'status-page', url: `${base}/ok/status`, events: ['maintenance-on', 'maintenance-off'] },
      ],
    });
    for (const event of notificationEvents) {
      const results = await notifier.notify(event, { ...details, data: { event } });
      expect(results.every((r) => r.ok && r.status === 204)).toBe(true);
    }

    const incidents = receivedOn('/ok/incidents');
    expect(incidents.map((r) => r.body.event)).toEqual([...notificationEvents]);
    for (const request of incidents) {
      expect(request.method).toBe('POST');
      expect(request.headers).toMatchObject({ 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-source': 'rollback-drill' });
      expect(request.body).toEqual({ ...details, event: request.body.event, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), data: { event: request.body.event } });
    }
    const status = receivedOn('/ok/status');
    expect(status.map((r) => r.body.event)).toEqual(['maintenance-on', 'maintenance-off']);
    expect(status[0]!.headers.authorization).toBeUndefined();
    expect(notifier.results()).toHaveLength(notificationEvents.length + 2);
  });

  it('records a 500 answer as a warning with its status and the start of its body', async () => {
    const notifier = notifierFor({ webhooks: [{ name: 'incidents', url: `${base}/fail`, tokenEnv: 'HOOK_TOKEN' }] });
    const [result] = await notifier.notify('rollback-failed', details);
    expect(result).toMatchObject({
      webhook: 'incidents', event: 'rollback-failed', ok: false, status: 500,
      error: `webhook 'incidents' (POST ${base}) rollback-failed: answered 500 (internal error: queue full)`,
    });
    expect(receivedOn('/fail')).toHaveLength(1);
  });

  it('records a refused connection as a warning naming the connection error', async () => {
    const closed = await freePort();
    const notifier = notifierFor({ webhooks: [{ name: 'on-call', url: `http://127.0.0.1:${closed}/page`, tokenEnv: 'HOOK_TOKEN' }] });
    const [result] = await notifier.notify('rollback-initiated', details);
    expect(result).toMatchObject({ webhook: 'on-call', ok: false, error: expect.stringContaining(`ECONNREFUSED 127.0.0.1:${closed}`) });
    expect(result!.status).toBeUndefined();
  });

  it('gives up on a receiver that never answers after timeoutMs, without hanging', async () => {
    const notifier = notifierFor({ webhooks: [{ name: 'customer-success', url: `${base}/hang`, tokenEnv: 'HOOK_TOKEN', timeoutMs: 300 }] });
    const started = performance.now();
    const [result] = await notifier.notify('maintenance-on', details);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, error: `webhook 'customer-success' (POST ${base}) maintenance-on: no answer within 300 ms` });
    expect(result!.durationMs).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    expect(receivedOn('/hang')).toHaveLength(1);
  });

  it('calls every webhook in parallel, so one hanging receiver costs its own timeout only, and leaks no token', async () => {
    const closed = await freePort();
    const notifier = notifierFor({
      webhooks: [
        { name: 'fine', url: `${base}/ok/parallel`, tokenEnv: 'HOOK_TOKEN' },
        { name: 'broken', url: `${base}/fail`, tokenEnv: 'HOOK_TOKEN' },
        { name: 'gone', url: `http://127.0.0.1:${closed}/x`, tokenEnv: 'HOOK_TOKEN' },
        { name: 'slow-1', url: `${base}/hang`, tokenEnv: 'HOOK_TOKEN', timeoutMs: 300 },
        { name: 'slow-2', url: `${base}/hang`, tokenEnv: 'HOOK_TOKEN', timeoutMs: 300 },
        { name: 'no-token', url: `${base}/ok/never`, tokenEnv: 'UNSET_HOOK_TOKEN' },
      ],
    });
    const started = performance.now();
    const results = await notifier.notify('rollback-verified', details);
    expect(performance.now() - started).toBeLessThan(590);
    expect(results.map((r) => [r.webhook, r.ok])).toEqual([['fine', true], ['broken', false], ['gone', false], ['slow-1', false], ['slow-2', false], ['no-token', false]]);
    expect(receivedOn('/ok/never')).toEqual([]);
    expect(JSON.stringify(notifier.results())).not.toContain(TOKEN);
  });
});
