import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerdutyReceiver, slackReceiver, statuspageReceiver, teamsReceiver, webhookReceiver, type Receiver } from '../../test/helpers/notification-receivers/http-receivers.ts';
import { freePort } from '../util/free-port.ts';
import { Redactor } from '../redaction/redactor.ts';
import type { NotificationEvent } from './channel-plugin.ts';
import { notificationsSchema, type NotificationsInput } from './notifications-schema.ts';
import { createNotifier, type NotificationResult } from './notifier.ts';

/*
 * Every HTTP kind against a real local receiver that validates the payload the way its service
 * documents it and answers as the service does. No fetch is faked here.
 */

const details = { runId: '2026-01-02T03-04-05Z-abc123', environment: 'staging', testId: 'dry-run', message: 'Rollback of staging from V2 to V1: <simulated> failure & more' };
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const STATUSPAGE_KEY = 'sp-key-5b1d2c3e';
const HOOK_SECRET = 'hook-secret-91ab';
const HOOK_TOKEN = 'hook-token-5e1d0b';
const rollback: NotificationEvent[] = ['rollback-initiated', 'maintenance-on', 'v2-stopped', 'v1-healthy', 'rollback-verified', 'maintenance-off'];

const receivers: Receiver[] = [];
async function started<R extends Receiver>(receiver: Promise<R>): Promise<R> {
  const r = await receiver;
  receivers.push(r);
  return r;
}
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

/** Raises the events as a drill does: without waiting in between, then awaits every delivery. */
async function drillEvents(input: NotificationsInput, env: Record<string, string>, events: NotificationEvent[] = rollback, redactor = new Redactor()) {
  const notifier = createNotifier(notificationsSchema.parse(input), { env, redactor });
  const pending = events.map((event) => notifier.notify(event, { ...details, message: `${event}: ${details.message}`, data: { event } }));
  return { results: (await Promise.all(pending)).flat(), notifier };
}

const summary = (results: NotificationResult[]) => results.map((r) => `${r.webhook} ${r.event} ${r.ok ? 'ok' : 'FAILED'} ${r.status ?? '-'} ×${r.attempts}`);

describe('every kind against a receiver that validates it like the real service', () => {
  let slack: Awaited<ReturnType<typeof slackReceiver>>;
  let teams: Awaited<ReturnType<typeof teamsReceiver>>;
  let pagerduty: Awaited<ReturnType<typeof pagerdutyReceiver>>;
  let statuspage: Awaited<ReturnType<typeof statuspageReceiver>>;
  let webhook: Awaited<ReturnType<typeof webhookReceiver>>;
  let results: NotificationResult[];
  let env: Record<string, string>;

  beforeAll(async () => {
    // Slack rate-limits the first post (429, Retry-After: 1): the retry must wait and then land.
    slack = await started(slackReceiver({ throttleFirst: 1 }));
    teams = await started(teamsReceiver());
    pagerduty = await started(pagerdutyReceiver());
    statuspage = await started(statuspageReceiver('pg7drill', STATUSPAGE_KEY));
    webhook = await started(webhookReceiver({ secret: HOOK_SECRET, token: HOOK_TOKEN }));
    env = { SLACK_URL: slack.url, TEAMS_URL: teams.url, PD_KEY: ROUTING_KEY, SP_KEY: STATUSPAGE_KEY, HOOK_SECRET, HOOK_TOKEN };
    ({ results } = await drillEvents(
      {
        channels: [
          { kind: 'slack', name: 'incidents', urlEnv: 'SLACK_URL' },
          { kind: 'teams', name: 'ops-teams', urlEnv: 'TEAMS_URL', cardVersion: '1.5' },
          { kind: 'pagerduty', name: 'on-call', routingKeyEnv: 'PD_KEY', url: pagerduty.url },
          { kind: 'statuspage', name: 'status', pageId: 'pg7drill', apiKeyEnv: 'SP_KEY', baseUrl: statuspage.baseUrl, componentIds: ['cmp1pipeline'] },
          { kind: 'webhook', name: 'bridge', url: webhook.url, tokenEnv: 'HOOK_TOKEN', signature: { secretEnv: 'HOOK_SECRET' } },
        ],
      },
      env,
    ));
  });

  it('delivers every subscribed event, and no receiver refused a payload as invalid', () => {
    expect(results.filter((r) => !r.ok)).toEqual([]);
    for (const receiver of [slack, teams, pagerduty, statuspage, webhook]) expect(receiver.invalid().map((r) => r.problems)).toEqual([]);
    // slack, teams and webhook take every event; pagerduty its trigger and resolve; statuspage its four of these six.
    expect(results).toHaveLength(6 + 6 + 2 + 4 + 6);
  });

  it('slack: text + section/context blocks answered "ok", the 429 retried after its Retry-After', () => {
    expect(slack.requests.map((r) => r.status)).toEqual([429, ...rollback.map(() => 200)]);
    const [throttled, retried] = slack.requests;
    expect(retried!.at - throttled!.at).toBeGreaterThanOrEqual(950);
    expect(retried!.json).toEqual(throttled!.json);
    expect(results.find((r) => r.webhook === 'incidents' && r.event === 'rollback-initiated')).toMatchObject({ ok: true, status: 200, attempts: 2 });
    const first = retried!.json as { blocks: Array<{ type: string; elements?: Array<{ text: string }> }> };
    expect(first.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(first.blocks[1]!.elements!.map((e) => e.text)).toContain('*Run:* 2026-01-02T03-04-05Z-abc123');
    // Later events of the channel waited behind the retried one: order is kept.
    expect(slack.requests.slice(1).map((r) => (r.json as { blocks: Array<{ elements?: Array<{ text: string }> }> }).blocks[1]!.elements![3]!.text)).toEqual(
      rollback.map((e) => `*Event:* ${e}`),
    );
  });

  it('teams: an Adaptive Card 1.5 in a message attachment, answered 202', () => {
    expect(teams.requests.map((r) => r.status)).toEqual(rollback.map(() => 202));
    expect((teams.requests[0]!.json as { attachments: Array<{ contentType: string }> }).attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('pagerduty: one dedup key for the run, triggered then resolved, answered 202 with it', () => {
    const events = pagerduty.requests.map((r) => r.json as { event_action: string; dedup_key: string });
    expect(events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', 'drill-2026-01-02T03-04-05Z-abc123'],
      ['resolve', 'drill-2026-01-02T03-04-05Z-abc123'],
    ]);
    expect([...pagerduty.alerts]).toEqual([['drill-2026-01-02T03-04-05Z-abc123', 'resolved']]);
    expect(results.filter((r) => r.webhook === 'on-call').map((r) => r.detail)).toEqual([
      'trigger dedup_key drill-2026-01-02T03-04-05Z-abc123',
      'resolve dedup_key drill-2026-01-02T03-04-05Z-abc123',
    ]);
  });

  it('statuspage: one incident opened, updated and resolved, its component back to operational', () => {
    expect(statuspage.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 201', 'PATCH 200', 'PATCH 200']);
    const incidents = [...statuspage.incidents.values()];
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ status: 'resolved', impact: 'maintenance', components: { cmp1pipeline: 'operational' } });
    expect(incidents[0]!.updates.map((u) => u.status)).toEqual(['identified', 'identified', 'resolved']);
    expect(results.filter((r) => r.webhook === 'status').map((r) => r.detail)).toEqual([
      `incident ${incidents[0]!.id} opened`,
      `incident ${incidents[0]!.id} updated (identified)`,
      `incident ${incidents[0]!.id} resolved`,
      'no open incident for run 2026-01-02T03-04-05Z-abc123: nothing to update',
    ]);
  });

  it('webhook: the body it always had, signed and authenticated as the receiver verifies', () => {
    expect(webhook.requests.map((r) => r.status)).toEqual(rollback.map(() => 204));
    expect(webhook.requests.map((r) => r.headers['x-drill-event'])).toEqual(rollback);
    expect(new Set(webhook.requests.map((r) => r.headers['x-drill-delivery'])).size).toBe(rollback.length);
  });
});

describe('delivery against misbehaving receivers', () => {
  it('retries a 5xx, does not retry a 400, and keeps a failure a result with what the service said', async () => {
    const flaky = await started(webhookReceiver({}, { failFirst: 503 }));
    const refusing = await started(webhookReceiver({}, { failFirst: 400 }));
    const { results } = await drillEvents(
      {
        channels: [
          { kind: 'webhook', name: 'flaky', url: flaky.url },
          { kind: 'webhook', name: 'refusing', url: refusing.url },
        ],
        delivery: { backoffMs: 50 },
      },
      {},
      ['v2-stopped'],
    );
    expect(summary(results)).toEqual(['flaky v2-stopped ok 204 ×2', 'refusing v2-stopped FAILED 400 ×1']);
    expect(results[1]!.error).toBe(`webhook 'refusing' (POST ${refusing.origin}) v2-stopped: answered 400 (temporarily unavailable)`);
    expect(refusing.requests).toHaveLength(1);
  });

  it('gives up on a receiver that is down after its attempts, and on one that never answers at its deadline', async () => {
    const closed = await freePort();
    const hanging = await started(webhookReceiver({}, { hang: true }));
    const started_ = performance.now();
    const { results } = await drillEvents(
      {
        channels: [
          { kind: 'webhook', name: 'down', url: `http://127.0.0.1:${closed}/hook`, delivery: { attempts: 3, backoffMs: 100 } },
          { kind: 'webhook', name: 'hanging', url: hanging.url, delivery: { attempts: 5, attemptTimeoutMs: 300, deadlineMs: 800, backoffMs: 50 } },
        ],
      },
      {},
      ['rollback-initiated'],
    );
    const elapsed = performance.now() - started_;
    expect(results[0]).toMatchObject({
      webhook: 'down',
      ok: false,
      attempts: 3,
      error: expect.stringMatching(
        new RegExp(
          `^webhook 'down' \\(POST http://127\\.0\\.0\\.1:${closed}\\) rollback-initiated: fetch failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}\\); 3 attempts in \\d+ ms$`,
        ),
      ),
    });
    expect(results[1]).toMatchObject({ webhook: 'hanging', ok: false, error: expect.stringMatching(/no answer within \d+ ms; (no time left|the next retry would be past)/) });
    // The 800 ms deadline holds (plus a loaded machine's timer lag); without it 5 attempts of 300 ms and their backoff take > 2 s.
    expect(results[1]!.durationMs).toBeLessThanOrEqual(1200);
    // Both channels ran side by side: the slower one bounds the whole.
    expect(elapsed).toBeLessThan(3000);
    expect(hanging.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('never lets a secret reach a result, even when the service echoes it back', async () => {
    const slack = await started(slackReceiver({ failFirst: 404 }));
    const redactor = new Redactor();
    const { results } = await drillEvents({ channels: [{ kind: 'slack', name: 'incidents', urlEnv: 'SLACK_URL' }] }, { SLACK_URL: slack.url }, ['rollback-failed'], redactor);
    expect(results[0]).toMatchObject({ ok: false, status: 404, attempts: 1 });
    expect(JSON.stringify(results)).not.toContain(new URL(slack.url).pathname);
    expect(redactor.redact(slack.url)).toBe('***');
  });

  it("keeps a failed rollback's PagerDuty alert and status-page incident open", async () => {
    const pagerduty = await started(pagerdutyReceiver());
    const statuspage = await started(statuspageReceiver('pg8drill', STATUSPAGE_KEY));
    const { results } = await drillEvents(
      {
        channels: [
          { kind: 'pagerduty', name: 'on-call', routingKeyEnv: 'PD_KEY', url: pagerduty.url },
          { kind: 'statuspage', name: 'status', pageId: 'pg8drill', apiKeyEnv: 'SP_KEY', baseUrl: statuspage.baseUrl },
        ],
      },
      { PD_KEY: ROUTING_KEY, SP_KEY: STATUSPAGE_KEY },
      ['rollback-initiated', 'maintenance-on', 'rollback-failed', 'maintenance-off', 'rollback-verified'],
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(pagerduty.requests.map((r) => (r.json as { event_action: string; payload?: { severity: string } }).payload?.severity ?? 'resolve')).toEqual(['warning', 'critical']);
    expect([...pagerduty.alerts.values()]).toEqual(['triggered']);
    expect(results.find((r) => r.kind === 'pagerduty' && r.event === 'rollback-verified')?.detail).toMatch(/^not resolved: a rollback of run .* failed/);
    expect([...statuspage.incidents.values()].map((i) => [i.status, i.impact])).toEqual([['identified', 'major']]);
    expect(pagerduty.invalid()).toEqual([]);
    expect(statuspage.invalid()).toEqual([]);
  });
});
