import { describe, expect, it } from 'vitest';
import { Redactor } from '../config/redact.ts';
import { notificationsSchema, type NotificationsInput } from './notifications-schema.ts';
import { createNotifier, type FetchLike } from './notifier.ts';
import { prepareWebhook } from './webhook-request.ts';

const details = { runId: 'run-1', environment: 'staging', testId: 'dry-run', message: 'Rolling back to V1' };
const TOKEN = 'tok-7f3a9c';

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A fetch that records what it was asked to send and answers with `respond`. */
function fakeFetch(respond: (url: string) => Response | Promise<Response> = () => new Response('ok')) {
  const sent: Sent[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    sent.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
    return respond(url);
  };
  return { sent, fetchImpl };
}

const config = (input: NotificationsInput) => notificationsSchema.parse(input);

describe('createNotifier', () => {
  it('sends an event only to the webhooks subscribed to it', async () => {
    const { sent, fetchImpl } = fakeFetch();
    const notifier = createNotifier(
      config({ webhooks: [{ name: 'status-page', url: 'http://status/x', events: ['maintenance-on', 'maintenance-off'] }, { name: 'incidents', url: 'http://chat/y' }] }),
      { fetchImpl, env: {} },
    );
    expect((await notifier.notify('v2-stopped', details)).map((r) => r.webhook)).toEqual(['incidents']);
    expect((await notifier.notify('maintenance-on', details)).map((r) => r.webhook)).toEqual(['status-page', 'incidents']);
    expect(sent.map((s) => s.url)).toEqual(['http://chat/y', 'http://status/x', 'http://chat/y']);
    expect(notifier.results()).toHaveLength(3);
  });

  it('posts the documented body at the clock time', async () => {
    const { sent, fetchImpl } = fakeFetch();
    const notifier = createNotifier(config({ webhooks: [{ name: 'incidents', url: 'http://chat/y' }] }), { fetchImpl, env: {}, clock: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    await notifier.notify('v1-healthy', { ...details, data: { waitedMs: 812 } });
    expect(sent[0]!.body).toEqual({ event: 'v1-healthy', runId: 'run-1', environment: 'staging', testId: 'dry-run', message: 'Rolling back to V1', at: '2026-01-02T03:04:05.000Z', data: { waitedMs: 812 } });
  });

  it('builds headers: config headers lower-cased, JSON content type, bearer token from the environment', () => {
    const [webhook] = config({ webhooks: [{ name: 'a', url: 'http://x/y', headers: { 'X-Team': 'data', 'Content-Type': 'text/plain' }, tokenEnv: 'HOOK_TOKEN' }] }).webhooks;
    expect(prepareWebhook(webhook!, { HOOK_TOKEN: TOKEN })).toMatchObject({
      ok: true,
      headers: { 'x-team': 'data', 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      secrets: [TOKEN],
    });
  });

  it('turns a user:password URL into Basic auth and never shows the password', async () => {
    const { sent, fetchImpl } = fakeFetch(() => new Response('nope', { status: 401 }));
    const notifier = createNotifier(config({ webhooks: [{ name: 'a', url: 'https://ops:s3cr%40t@hooks.example.com/h' }] }), { fetchImpl, env: {} });
    const [result] = await notifier.notify('rollback-failed', { ...details, message: 'dsn https://ops:s3cr@t@elsewhere failed' });
    expect(sent[0]!.url).toBe('https://hooks.example.com/h');
    expect(sent[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ops:s3cr@t').toString('base64')}`);
    expect(sent[0]!.body.message).not.toContain('s3cr');
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(JSON.stringify(notifier.results())).not.toMatch(/s3cr/);
  });

  it('records a missing token as a warning without sending anything', async () => {
    const { sent, fetchImpl } = fakeFetch();
    const notifier = createNotifier(config({ webhooks: [{ name: 'incidents', url: 'http://chat/y', tokenEnv: 'HOOK_TOKEN' }] }), { fetchImpl, env: {} });
    expect(await notifier.notify('rollback-initiated', details)).toEqual([
      { webhook: 'incidents', event: 'rollback-initiated', ok: false, durationMs: 0, error: "webhook 'incidents' (POST http://chat) rollback-initiated: environment variable HOOK_TOKEN (its tokenEnv) is not set; nothing sent" },
    ]);
    expect(sent).toEqual([]);
  });

  it('never throws: a rejecting fetch, a fetch that echoes the token, unserialisable details', async () => {
    const fetchImpl: FetchLike = async (_url, init) => {
      throw new TypeError(`invalid header value ${(init.headers as Record<string, string>).authorization}`);
    };
    const redactor = new Redactor();
    const notifier = createNotifier(config({ webhooks: [{ name: 'a', url: 'http://x', tokenEnv: 'T' }] }), { fetchImpl, env: { T: TOKEN }, redactor });
    const [thrown] = await notifier.notify('v2-stopped', details);
    expect(thrown).toMatchObject({ ok: false, error: "webhook 'a' (POST http://x) v2-stopped: invalid header value Bearer ***" });
    // The shared Redactor now knows the token, so the rest of the run masks it too.
    expect(redactor.redact(`token ${TOKEN}`)).toBe('token ***');
    const [unserialisable] = await notifier.notify('v2-stopped', { ...details, data: { n: 1n } });
    expect(unserialisable).toMatchObject({ ok: false, error: expect.stringMatching(/not JSON-serialisable/) });
  });

  it('gives up at timeoutMs even when fetch ignores its abort signal', async () => {
    const fetchImpl: FetchLike = () => new Promise<Response>(() => undefined);
    const notifier = createNotifier(config({ webhooks: [{ name: 'slow', url: 'http://x', timeoutMs: 50 }] }), { fetchImpl, env: {} });
    const [result] = await notifier.notify('v2-stopped', details);
    expect(result).toMatchObject({ ok: false, error: "webhook 'slow' (POST http://x) v2-stopped: no answer within 50 ms" });
    expect(result!.durationMs).toBeGreaterThanOrEqual(45);
  });

  it('masks secrets the run already knows in the body it sends', async () => {
    const { sent, fetchImpl } = fakeFetch();
    const redactor = new Redactor();
    redactor.addDsn('postgres://drill:pg-pass-1@127.0.0.1/db');
    const notifier = createNotifier(config({ webhooks: [{ name: 'a', url: 'http://x' }] }), { fetchImpl, env: {}, redactor });
    await notifier.notify('rollback-failed', { ...details, data: { dsn: 'postgres://drill:pg-pass-1@127.0.0.1/db', nested: ['pg-pass-1'] } });
    expect(JSON.stringify(sent[0]!.body)).not.toContain('pg-pass-1');
  });
});
