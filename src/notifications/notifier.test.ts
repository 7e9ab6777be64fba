import { describe, expect, it } from 'vitest';
import { Redactor } from '../redaction/redactor.ts';
import { notificationsSchema, type NotificationsInput } from './notifications-schema.ts';
import { createNotifier, type FetchLike } from './notifier.ts';

const details = { runId: 'run-1', environment: 'staging', testId: 'dry-run', message: 'Rolling back to V1' };
const TOKEN = 'tok-7f3a9c';
const SLACK_URL = 'https://hooks.slack.com/services/T01/B02/slack-secret-path-9f8e';

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  at: number;
}

/** A fetch that records what it was asked to send and answers with `respond` (pure logic only: the real sends are in *.int.test.ts). */
function fakeFetch(respond: (url: string, count: number) => Response | Promise<Response> = () => new Response('ok')) {
  const sent: Sent[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    sent.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)), at: performance.now() });
    return respond(url, sent.length);
  };
  return { sent, fetchImpl };
}

const config = (input: NotificationsInput) => notificationsSchema.parse(input);
const noWait = { sleep: async () => undefined, random: () => 0 };

describe('createNotifier', () => {
  it('sends an event only to the channels subscribed to it', async () => {
    const { sent, fetchImpl } = fakeFetch();
    const notifier = createNotifier(
      config({
        channels: [
          { kind: 'webhook', name: 'status-page', url: 'http://status/x', events: ['maintenance-on', 'maintenance-off'] },
          { kind: 'webhook', name: 'incidents', url: 'http://chat/y' },
        ],
      }),
      { fetchImpl, env: {} },
    );
    expect((await notifier.notify('v2-stopped', details)).map((r) => r.webhook)).toEqual(['incidents']);
    expect((await notifier.notify('maintenance-on', details)).map((r) => r.webhook)).toEqual(['status-page', 'incidents']);
    expect(sent.map((s) => s.url)).toEqual(['http://chat/y', 'http://status/x', 'http://chat/y']);
    expect(notifier.results()).toHaveLength(3);
  });

  it('delivers in order within a channel (a retry delays the next event) but never makes other channels wait', async () => {
    let slowFirst = true;
    const { sent, fetchImpl } = fakeFetch(async (url) => {
      if (url === 'http://ordered/' && slowFirst) {
        slowFirst = false;
        return new Response('busy', { status: 503 });
      }
      return new Response('ok');
    });
    const notifier = createNotifier(
      config({
        channels: [
          { kind: 'webhook', name: 'ordered', url: 'http://ordered/' },
          { kind: 'webhook', name: 'other', url: 'http://other/' },
        ],
      }),
      {
        fetchImpl,
        env: {},
        ...noWait,
      },
    );
    const first = notifier.notify('rollback-initiated', details);
    const second = notifier.notify('maintenance-on', details);
    const [a, b] = await Promise.all([first, second]);
    expect(a.map((r) => [r.webhook, r.ok, r.attempts])).toEqual([
      ['ordered', true, 2],
      ['other', true, 1],
    ]);
    expect(b.map((r) => [r.webhook, r.ok, r.attempts])).toEqual([
      ['ordered', true, 1],
      ['other', true, 1],
    ]);
    const ordered = sent.filter((s) => s.url === 'http://ordered/').map((s) => s.body.event);
    expect(ordered).toEqual(['rollback-initiated', 'rollback-initiated', 'maintenance-on']);
    // The other channel's second event did not wait for the first channel's retry.
    expect(sent.findIndex((s) => s.url === 'http://other/' && s.body.event === 'maintenance-on')).toBeLessThan(
      sent.findIndex((s) => s.url === 'http://ordered/' && s.body.event === 'maintenance-on'),
    );
  });

  it('posts the webhook body at the clock time the event was raised', async () => {
    const { sent, fetchImpl } = fakeFetch();
    const notifier = createNotifier(config({ channels: [{ kind: 'webhook', name: 'incidents', url: 'http://chat/y' }] }), {
      fetchImpl,
      env: {},
      clock: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    await notifier.notify('v1-healthy', { ...details, data: { waitedMs: 812 } });
    expect(sent[0]!.body).toEqual({
      event: 'v1-healthy',
      runId: 'run-1',
      environment: 'staging',
      testId: 'dry-run',
      message: 'Rolling back to V1',
      at: '2026-01-02T03:04:05.000Z',
      data: { waitedMs: 812 },
    });
  });

  it('turns a missing secret into a warning for each subscribed event, sending nothing', async () => {
    const { sent, fetchImpl } = fakeFetch();
    const notifier = createNotifier(
      config({
        channels: [
          { kind: 'slack', name: 'incidents', urlEnv: 'SLACK_URL' },
          { kind: 'pagerduty', name: 'on-call', routingKeyEnv: 'PD_KEY' },
        ],
      }),
      { fetchImpl, env: { PD_KEY: 'too-short' } },
    );
    const results = await notifier.notify('rollback-initiated', details);
    expect(results.map((r) => r.error)).toEqual([
      "slack 'incidents' rollback-initiated: environment variable SLACK_URL (its urlEnv) is not set; nothing sent",
      "pagerduty 'on-call' (POST https://events.pagerduty.com) rollback-initiated: environment variable PD_KEY (its routingKeyEnv) does not hold a 32-character integration key; nothing sent",
    ]);
    expect(sent).toEqual([]);
    expect(JSON.stringify(results)).not.toContain('too-short');
  });

  it('masks every secret it read, and those the run already knows, in what it sends and what it records', async () => {
    const { sent, fetchImpl } = fakeFetch((url) => new Response(`bad request to ${url} with ${TOKEN}`, { status: 400 }));
    const redactor = new Redactor();
    redactor.addDsn('postgres://drill:pg-pass-1@127.0.0.1/db');
    const notifier = createNotifier(
      config({
        channels: [
          { kind: 'slack', name: 'incidents', urlEnv: 'SLACK_URL' },
          { kind: 'webhook', name: 'hook', url: 'http://x/', tokenEnv: 'HOOK_TOKEN' },
        ],
      }),
      { fetchImpl, env: { SLACK_URL, HOOK_TOKEN: TOKEN }, redactor },
    );
    const results = await notifier.notify('rollback-failed', {
      ...details,
      message: 'restore from postgres://drill:pg-pass-1@127.0.0.1/db failed',
      data: { nested: ['pg-pass-1'] },
    });
    expect(JSON.stringify(sent.map((s) => s.body))).not.toContain('pg-pass-1');
    expect(results[0]!.error).toBe("slack 'incidents' (POST https://hooks.slack.com) rollback-failed: answered 400 (bad request to *** with ***)");
    expect(JSON.stringify(notifier.results())).not.toMatch(/slack-secret-path|tok-7f3a9c|pg-pass-1/);
    // The shared Redactor now knows them, so the rest of the run masks them too.
    expect(redactor.redact(`url ${SLACK_URL} token ${TOKEN}`)).toBe('url *** token ***');
  });

  it('records details that cannot be serialised as a warning for every subscriber', async () => {
    const { sent, fetchImpl } = fakeFetch();
    const notifier = createNotifier(config({ channels: [{ kind: 'webhook', name: 'a', url: 'http://x' }] }), { fetchImpl, env: {} });
    const [result] = await notifier.notify('v2-stopped', { ...details, data: { n: 1n } });
    expect(result).toMatchObject({ ok: false, attempts: 0, error: expect.stringMatching(/^v2-stopped not sent: details are not JSON-serialisable/) });
    expect(sent).toEqual([]);
  });

  it("applies a channel's delivery over the defaults", async () => {
    const { sent, fetchImpl } = fakeFetch(() => new Response('down', { status: 502 }));
    const notifier = createNotifier(
      config({
        delivery: { attempts: 4 },
        channels: [
          { kind: 'webhook', name: 'a', url: 'http://a' },
          { kind: 'webhook', name: 'b', url: 'http://b', delivery: { attempts: 1 } },
        ],
      }),
      { fetchImpl, env: {}, ...noWait },
    );
    const results = await notifier.notify('v2-stopped', details);
    expect(results.map((r) => [r.webhook, r.attempts])).toEqual([
      ['a', 4],
      ['b', 1],
    ]);
    expect(sent).toHaveLength(5);
  });
});
