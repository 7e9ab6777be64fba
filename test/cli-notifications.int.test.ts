import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRecord } from '../src/journal/journal-types.ts';
import { freePort } from '../src/util/free-port.ts';
import { drill } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { pagerdutyReceiver, slackReceiver, statuspageReceiver, teamsReceiver, webhookReceiver, type ReceivedRequest } from './helpers/notification-receivers/http-receivers.ts';
import { smtpReceiver } from './helpers/notification-receivers/smtp-receiver.ts';
import { testRun } from './helpers/test-config.ts';

/*
 * A real dry-run drill through the CLI with a channel of every kind, each against a local receiver
 * that validates it like its service; then the same drill with one receiver down, to show that a
 * channel retrying for seconds does not lengthen the rollback window, and that it is a warning.
 */

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const secrets = { SP_KEY: 'sp-key-it-5b1d2c3e', HOOK_SECRET: 'hook-secret-it-91ab', HOOK_TOKEN: 'hook-token-it-5e1d0b', SMTP_PASSWORD: 'smtp-pass-it-3c9f1a', PD_KEY: ROUTING_KEY };
const SMTP_USER = 'drill-notifier';
const PAGE = 'pgdrillit';

type Receivers = {
  slack: Awaited<ReturnType<typeof slackReceiver>>;
  teams: Awaited<ReturnType<typeof teamsReceiver>>;
  pagerduty: Awaited<ReturnType<typeof pagerdutyReceiver>>;
  statuspage: Awaited<ReturnType<typeof statuspageReceiver>>;
  webhook: Awaited<ReturnType<typeof webhookReceiver>>;
  smtp: Awaited<ReturnType<typeof smtpReceiver>>;
};

async function startReceivers(): Promise<Receivers> {
  return {
    // Slack throttles its first post, as it does under load: the drill's delivery must retry it.
    slack: await slackReceiver({ throttleFirst: 1 }),
    teams: await teamsReceiver(),
    pagerduty: await pagerdutyReceiver(),
    statuspage: await statuspageReceiver(PAGE, secrets.SP_KEY),
    webhook: await webhookReceiver({ secret: secrets.HOOK_SECRET, token: secrets.HOOK_TOKEN }),
    smtp: await smtpReceiver({ user: SMTP_USER, password: secrets.SMTP_PASSWORD }),
  };
}

function channels(r: Receivers, webhookUrl = r.webhook.url) {
  return [
    { kind: 'slack', name: 'incidents', urlEnv: 'SLACK_URL' },
    { kind: 'teams', name: 'ops-teams', urlEnv: 'TEAMS_URL' },
    { kind: 'pagerduty', name: 'abaco-incidents', routingKeyEnv: 'PD_KEY', url: r.pagerduty.url },
    {
      kind: 'email',
      name: 'ops-team',
      host: '127.0.0.1',
      port: r.smtp.port,
      caFile: r.smtp.caFile,
      user: SMTP_USER,
      passwordEnv: 'SMTP_PASSWORD',
      from: 'Rollback drill <drill@abaco.example>',
      to: ['ops-team@abaco.example'],
    },
    { kind: 'statuspage', name: 'status-page', pageId: PAGE, apiKeyEnv: 'SP_KEY', baseUrl: r.statuspage.baseUrl, componentIds: ['kpipipeline'] },
    // Slow retries on purpose: were a send awaited in a step, the rollback window would grow by seconds. One channel
    // delivers in order, so six events of ≥ 3 s each queue up on a fast drill: the deadline (from each event's raise)
    // leaves room for all of them, so every event is tried its 3 times.
    {
      kind: 'webhook',
      name: 'customer-success',
      url: webhookUrl,
      tokenEnv: 'HOOK_TOKEN',
      signature: { secretEnv: 'HOOK_SECRET' },
      delivery: { attempts: 3, backoffMs: 2000, deadlineMs: 60_000 },
    },
  ];
}

async function dryRun(r: Receivers, webhookUrl?: string) {
  const run = await testRun((s) => {
    s['notifications'] = { channels: channels(r, webhookUrl) };
  });
  const env = { TMPDIR: run.tmp, SLACK_URL: r.slack.url, TEAMS_URL: r.teams.url, ...secrets };
  const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'dry-run'], env);
  const journal = result.exitCode === 0 || result.exitCode === 1 ? await latestJournal(run.reportDir) : undefined;
  return { run, result, journal, test: journal?.tests[0] as TestRecord | undefined };
}

/** When a step ended, in ms since the epoch. */
function stepEnd(test: TestRecord, id: string): number {
  const step = test.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id} in ${test.steps.map((s) => s.id).join(', ')}`);
  return Date.parse(step.startedAt) + step.durationMs;
}

const eventOf = (request: ReceivedRequest) => (request.json as { blocks: Array<{ elements?: Array<{ text: string }> }> }).blocks[1]!.elements![3]!.text.replace('*Event:* ', '');

describe('drill run notifying every kind of channel', () => {
  let receivers: Receivers;
  let up: Awaited<ReturnType<typeof dryRun>>;
  let upSlackStart = 0;

  beforeAll(async () => {
    receivers = await startReceivers();
  });
  afterAll(async () => {
    await Promise.all(Object.values(receivers).map((r) => r.close()));
  });

  it('delivers each runbook point to Slack, Teams, PagerDuty, email, the status page and a signed webhook, every payload valid', { timeout: 300_000 }, async () => {
    up = await dryRun(receivers);
    expect(up.result.exitCode, up.result.all).toBe(0);
    const { slack, teams, pagerduty, statuspage, webhook, smtp } = receivers;
    const test = up.test!;
    expect(test.status).toBe('passed');

    for (const [name, receiver] of Object.entries({ slack, teams, pagerduty, statuspage, webhook }))
      expect(
        receiver.invalid().map((r) => r.problems),
        name,
      ).toEqual([]);
    const milestones = ['rollback-initiated', 'maintenance-on', 'v2-stopped', 'v1-healthy', 'rollback-verified', 'maintenance-off'];
    // Slack: the throttled first post retried after Retry-After; the channel's order kept.
    expect(slack.requests.map((r) => r.status)).toEqual([429, ...milestones.map(() => 200)]);
    expect(slack.requests.slice(1).map(eventOf)).toEqual(milestones);
    expect(teams.requests.map((r) => r.status)).toEqual(milestones.map(() => 202));
    expect(webhook.requests.map((r) => [r.headers['x-drill-event'], r.status])).toEqual(milestones.map((e) => [e, 204]));
    expect(pagerduty.requests.map((r) => (r.json as { event_action: string }).event_action)).toEqual(['trigger', 'resolve']);
    expect([...pagerduty.alerts]).toEqual([[`drill-${up.journal!.runId}`, 'resolved']]);
    expect([...statuspage.incidents.values()].map((i) => [i.status, i.components])).toEqual([['resolved', { kpipipeline: 'operational' }]]);
    expect(smtp.mails.map((m) => [m.subject, m.secure, m.to])).toEqual([
      [`[rollback-drill] staging: Rollback initiated (dry-run, run ${up.journal!.runId})`, true, ['ops-team@abaco.example']],
      [`[rollback-drill] staging: Rollback verified (dry-run, run ${up.journal!.runId})`, true, ['ops-team@abaco.example']],
    ]);

    // The journal has every delivery, none failed, the retried one with its two attempts.
    const deliveries = test.notifications ?? [];
    expect(deliveries.filter((n) => !n.ok)).toEqual([]);
    expect(deliveries).toHaveLength(6 + 6 + 2 + 2 + 4 + 6);
    expect(deliveries.find((n) => n.webhook === 'incidents' && n.event === 'rollback-initiated')).toMatchObject({ kind: 'slack', ok: true, status: 200, attempts: 2 });
    expect((test.warnings ?? []).filter((w) => w.startsWith('notification'))).toEqual([]);
    upSlackStart = slack.requests.length;

    for (const file of ['journal.json', 'checklist.md', 'junit.xml']) {
      const text = await readFile(join(up.run.reportDir, 'latest', file), 'utf8');
      for (const secret of [...Object.values(secrets), new URL(slack.url).pathname, teams.sig]) expect(text, file).not.toContain(secret);
    }
    for (const secret of Object.values(secrets)) expect(up.result.all).not.toContain(secret);
  });

  it('with a receiver down: the same rollback window, and a warning naming the channel', { timeout: 300_000 }, async () => {
    expect(up?.test, 'the first drill must have run').toBeDefined();
    const closed = await freePort();
    const down = await dryRun(receivers, `http://127.0.0.1:${closed}/hooks/drill`);
    expect(down.result.exitCode, down.result.all).toBe(0);
    const test = down.test!;
    expect(test.status).toBe('passed');

    // Every event to the closed port was tried 3 times over ≥ 3 s of backoff, then given up as a warning.
    const failed = (test.notifications ?? []).filter((n) => !n.ok);
    expect(failed.map((n) => [n.webhook, n.event, n.attempts])).toEqual(
      ['rollback-initiated', 'maintenance-on', 'v2-stopped', 'v1-healthy', 'rollback-verified', 'maintenance-off'].map((e) => ['customer-success', e, 3]),
    );
    expect(Math.min(...failed.map((n) => n.durationMs))).toBeGreaterThanOrEqual(3000);
    expect(test.warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^notification webhook 'customer-success' \\(POST http://127\\.0\\.0\\.1:${closed}\\) rollback-initiated: fetch failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}\\); 3 attempts in \\d+ ms$`,
        ),
      ),
    );
    expect((test.notifications ?? []).filter((n) => n.ok && n.webhook !== 'customer-success')).toHaveLength(6 + 6 + 2 + 2 + 4);

    // The windows: the journal's rollbackMs, and independently the Slack receiver's clock from "V2 stopped" to "V1 healthy".
    const slackSeen = (requests: ReceivedRequest[]) => {
      const at = (event: string) => requests.find((r) => r.status === 200 && eventOf(r) === event)!.at;
      return Math.round(at('v1-healthy') - at('v2-stopped'));
    };
    const windows = [up.test!, test].map((t) => ({ rollbackMs: t.rollbackMs!, stoppedToHealthyMs: stepEnd(t, 'v1-healthy') - stepEnd(t, 'stop-v2') }));
    const seen = [slackSeen(receivers.slack.requests.slice(0, upSlackStart)), slackSeen(receivers.slack.requests.slice(upSlackStart))];
    console.log(
      `rollback window, receivers up: ${windows[0]!.rollbackMs} ms (stop-v2 end → v1-healthy end: journal ${windows[0]!.stoppedToHealthyMs} ms, Slack receiver ${seen[0]} ms)`,
    );
    console.log(
      `rollback window, one receiver down: ${windows[1]!.rollbackMs} ms (journal ${windows[1]!.stoppedToHealthyMs} ms, Slack receiver ${seen[1]} ms); its deliveries took ${failed.map((n) => n.durationMs).join(', ')} ms`,
    );
    // The receiver's clock agrees with the journal (sends leave at the step's end) within noise.
    for (const i of [0, 1]) expect(Math.abs(seen[i]! - windows[i]!.stoppedToHealthyMs)).toBeLessThan(1000);
    // Generous: on shared cores two windows of the same drill differ by a second or two; an awaited
    // send with these retries would add ≥ 3 s for each of the two events inside the window.
    expect(windows[1]!.rollbackMs).toBeLessThan(windows[0]!.rollbackMs + 4000);
  });
});
