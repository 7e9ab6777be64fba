import { describe, expect, it } from 'vitest';
import {
  validatePagerdutyEvent,
  validateSlackMessage,
  validateStatuspageIncident,
  validateTeamsMessage,
  verifyWebhookSignature,
} from '../../../test/helpers/notification-receivers/validators.ts';
import { notificationsSchema } from '../notifications-schema.ts';
import type { NotificationEvent, NotificationMessage } from '../channel-plugin.ts';
import { classifySmtpError, emailContent } from './email.ts';
import { pagerdutyEvent, pagerdutyFields } from './pagerduty.ts';
import { escapeMrkdwn, slackMessage } from './slack.ts';
import { incidentStep, statuspageFields, type IncidentState } from './statuspage.ts';
import { teamsMessage } from './teams.ts';
import { signBody } from './webhook.ts';

const message = (event: NotificationEvent, text = 'Rollback of staging from V2 to V1 initiated: <simulated> V2 failure & crash'): NotificationMessage => ({
  event,
  runId: '2026-01-02T03-04-05Z-abc123',
  environment: 'staging',
  testId: 'dry-run',
  message: text,
  at: '2026-01-02T03:04:05.000Z',
  data: { stoppedMs: 412 },
});

describe('slack', () => {
  it('builds text plus a section and a context block that Slack accepts, with &, < and > escaped', () => {
    const payload = slackMessage(message('rollback-initiated'));
    expect(validateSlackMessage(payload)).toEqual([]);
    expect(payload.text).toBe('Rollback initiated — staging: Rollback of staging from V2 to V1 initiated: &lt;simulated&gt; V2 failure &amp; crash');
    expect(payload.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('&lt;simulated&gt; V2 failure &amp; crash') } });
    expect(payload.blocks[1]).toEqual({
      type: 'context',
      elements: ['*Environment:* staging', '*Run:* 2026-01-02T03-04-05Z-abc123', '*Test:* dry-run', '*Event:* rollback-initiated', '*Verdict:* in progress'].map((text) => ({
        type: 'mrkdwn',
        text,
      })),
    });
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('stays within the section limit for a huge message', () => {
    const payload = slackMessage(message('rollback-failed', 'x'.repeat(10_000)));
    expect(validateSlackMessage(payload)).toEqual([]);
    expect((payload.blocks[0] as { text: { text: string } }).text.text.length).toBe(3000);
  });
});

describe('teams', () => {
  it('wraps an Adaptive Card of the configured version in a message attachment', () => {
    for (const version of ['1.4', '1.5']) {
      const payload = teamsMessage(message('rollback-verified'), version);
      expect(validateTeamsMessage(payload)).toEqual([]);
      expect(payload.attachments[0]!.content).toMatchObject({
        type: 'AdaptiveCard',
        version,
        body: [{ type: 'TextBlock', color: 'Good' }, { type: 'TextBlock' }, { type: 'FactSet' }],
      });
    }
    expect(teamsMessage(message('rollback-failed'), '1.4').attachments[0]!.content.body[0]).toMatchObject({ text: 'Rollback FAILED — staging', color: 'Attention' });
  });
});

describe('pagerduty', () => {
  const config = pagerdutyFields.parse({ routingKeyEnv: 'PD_KEY' });
  const key = 'R0123456789abcdef0123456789abcde';

  it('triggers with the run dedup key and a complete payload, critical when the rollback failed', () => {
    const trigger = pagerdutyEvent(message('rollback-initiated'), key, config);
    expect(validatePagerdutyEvent(trigger)).toEqual([]);
    expect(trigger).toMatchObject({
      routing_key: key,
      event_action: 'trigger',
      dedup_key: 'drill-2026-01-02T03-04-05Z-abc123',
      payload: {
        source: 'rollback-drill/staging',
        severity: 'warning',
        timestamp: '2026-01-02T03:04:05.000Z',
        component: 'kpi-pipeline',
        group: 'staging',
        class: 'rollback',
        custom_details: { runId: '2026-01-02T03-04-05Z-abc123', testId: 'dry-run', data: { stoppedMs: 412 } },
      },
    });
    expect(pagerdutyEvent(message('rollback-failed'), key, config).payload?.severity).toBe('critical');
    expect(pagerdutyEvent(message('rollback-failed', 'y'.repeat(5000)), key, config).payload?.summary).toHaveLength(1024);
  });

  it('resolves the same dedup key, with no payload', () => {
    const resolve = pagerdutyEvent(message('rollback-verified'), key, config);
    expect(resolve).toEqual({ routing_key: key, event_action: 'resolve', dedup_key: 'drill-2026-01-02T03-04-05Z-abc123' });
    expect(validatePagerdutyEvent(resolve)).toEqual([]);
  });
});

describe('statuspage', () => {
  const config = statuspageFields.parse({ pageId: 'page1', apiKeyEnv: 'K', componentIds: ['comp1', 'comp2'] });

  function walk(events: NotificationEvent[]) {
    const state: IncidentState = { failed: false };
    return events.map((event) => {
      if (event === 'rollback-failed') state.failed = true;
      const step = incidentStep(message(event), state, config);
      if (step.kind === 'create') state.id = 'inc1';
      if (step.kind === 'update' && step.resolves) delete state.id;
      if (step.kind !== 'skip') expect(validateStatuspageIncident(step.body, step.kind === 'create'), event).toEqual([]);
      return step.kind === 'skip' ? 'skip' : `${step.kind}:${step.body.incident.status}:${JSON.stringify(step.body.incident.components ?? {})}`;
    });
  }

  it('opens one incident, updates it and resolves it once, components back to operational', () => {
    expect(walk(['rollback-initiated', 'maintenance-on', 'v2-stopped', 'v1-healthy', 'rollback-verified', 'maintenance-off'])).toEqual([
      'create:identified:{"comp1":"under_maintenance","comp2":"under_maintenance"}',
      'update:identified:{}',
      'update:identified:{}',
      'update:monitoring:{}',
      'update:resolved:{"comp1":"operational","comp2":"operational"}',
      'skip',
    ]);
  });

  it("keeps a failed rollback's incident open, marked major, through maintenance-off", () => {
    expect(walk(['rollback-initiated', 'maintenance-on', 'rollback-failed', 'maintenance-off'])).toEqual([
      'create:identified:{"comp1":"under_maintenance","comp2":"under_maintenance"}',
      'update:identified:{}',
      'update:identified:{"comp1":"major_outage","comp2":"major_outage"}',
      'update:identified:{}',
    ]);
    const state: IncidentState = { failed: true };
    const created = incidentStep(message('rollback-failed'), state, config);
    expect(created).toMatchObject({
      kind: 'create',
      body: { incident: { impact_override: 'major', deliver_notifications: false, metadata: { rollback_drill: { run_id: '2026-01-02T03-04-05Z-abc123' } } } },
    });
  });
});

describe('email', () => {
  it('writes a subject, a plain-text body with every fact and an escaped HTML alternative', () => {
    const content = emailContent(message('rollback-verified', 'V1 <operational> & verified'), '[rollback-drill]');
    expect(content.subject).toBe('[rollback-drill] staging: Rollback verified (dry-run, run 2026-01-02T03-04-05Z-abc123)');
    expect(content.text).toContain(
      'Rollback verified — staging\n\nV1 <operational> & verified\n\nEnvironment: staging\nRun: 2026-01-02T03-04-05Z-abc123\nTest: dry-run\nEvent: rollback-verified\nVerdict: verified\nAt: 2026-01-02T03:04:05.000Z',
    );
    expect(content.text).toContain('"stoppedMs": 412');
    expect(content.html).toContain('<p>V1 &lt;operational&gt; &amp; verified</p>');
    expect(content.html).not.toContain('<operational>');
  });

  it("retries what SMTP calls transient (4yz, a dropped connection), not what it calls permanent or a certificate that won't verify", () => {
    expect(classifySmtpError(Object.assign(new Error('Message failed'), { code: 'EMESSAGE', responseCode: 451, response: '451 4.3.0 try later', permanent: false }))).toEqual({
      ok: false,
      retryable: true,
      status: 451,
      error: 'SMTP 451: 451 4.3.0 try later',
    });
    expect(
      classifySmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535, response: '535 Invalid username or password', permanent: true })),
    ).toMatchObject({ retryable: false, status: 535 });
    expect(classifySmtpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }))).toEqual({
      ok: false,
      retryable: true,
      error: 'ESOCKET: connect ECONNREFUSED 127.0.0.1:25 (ECONNREFUSED)',
    });
    expect(classifySmtpError(Object.assign(new Error('self-signed certificate'), { code: 'ETLS', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toMatchObject({
      retryable: false,
      error: expect.stringMatching(/^TLS: self-signed certificate/),
    });
  });
});

describe('webhook signature', () => {
  it('signs <timestamp>.<raw body> so that a receiver verifies it, and a changed body or old timestamp fails', () => {
    const body = '{"event":"v2-stopped"}';
    const now = 1_767_323_045;
    const headers = { 'x-drill-timestamp': String(now), 'x-drill-signature': signBody('shared-secret', String(now), body) };
    expect(verifyWebhookSignature(headers, body, 'shared-secret', { nowSeconds: now })).toEqual([]);
    expect(verifyWebhookSignature(headers, '{"event":"v1-healthy"}', 'shared-secret', { nowSeconds: now })).toEqual(['x-drill-signature: does not match the body']);
    expect(verifyWebhookSignature(headers, body, 'shared-secret', { nowSeconds: now + 3600 })[0]).toMatch(/a replay/);
    expect(verifyWebhookSignature({ ...headers, 'x-drill-timestamp': String(now + 1) }, body, 'shared-secret', { nowSeconds: now })).toEqual([
      'x-drill-signature: does not match the body',
    ]);
  });

  it('is configured only through an environment variable', () => {
    expect(notificationsSchema.parse({ channels: [{ kind: 'webhook', name: 'w', url: 'http://x', signature: { secretEnv: 'HOOK_SECRET' } }] }).channels[0]).toMatchObject({
      signature: { secretEnv: 'HOOK_SECRET', header: 'x-drill-signature', timestampHeader: 'x-drill-timestamp' },
    });
  });
});
