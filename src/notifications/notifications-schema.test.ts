import { describe, expect, it } from 'vitest';
import { notificationEvents, notificationsSchema } from './notifications-schema.ts';

const issues = (input: unknown) => notificationsSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
const channel = (fields: Record<string, unknown>) => issues({ channels: [{ name: 'c', ...fields }] });

const minimal = {
  slack: { kind: 'slack', name: 'incidents', urlEnv: 'SLACK_URL' },
  teams: { kind: 'teams', name: 'ops-teams', urlEnv: 'TEAMS_URL' },
  pagerduty: { kind: 'pagerduty', name: 'on-call', routingKeyEnv: 'PD_KEY' },
  email: { kind: 'email', name: 'ops-team', host: 'smtp.example.com', from: 'drill@example.com', to: ['ops-team@example.com'] },
  webhook: { kind: 'webhook', name: 'bridge', url: 'https://hooks.example.com/x' },
  statuspage: { kind: 'statuspage', name: 'status', pageId: 'kctbh9vrtdwd', apiKeyEnv: 'STATUSPAGE_KEY' },
};

describe('notificationsSchema', () => {
  it('defaults to no channels and the documented delivery policy when the key is absent', () => {
    expect(notificationsSchema.parse(undefined)).toEqual({ channels: [], delivery: { attempts: 3, attemptTimeoutMs: 5000, deadlineMs: 15_000, backoffMs: 500 } });
  });

  it('accepts every built-in kind with its defaults, each kind with its own default events', () => {
    const { channels } = notificationsSchema.parse({ channels: Object.values(minimal) });
    expect(channels.map((c) => [c.kind, c.events])).toEqual([
      ['slack', [...notificationEvents]],
      ['teams', [...notificationEvents]],
      ['pagerduty', ['rollback-initiated', 'rollback-failed', 'rollback-verified']],
      ['email', ['rollback-initiated', 'rollback-verified', 'rollback-failed']],
      ['webhook', [...notificationEvents]],
      ['statuspage', ['rollback-initiated', 'maintenance-on', 'rollback-verified', 'rollback-failed', 'maintenance-off']],
    ]);
    expect(channels[2]).toMatchObject({ url: 'https://events.pagerduty.com/v2/enqueue', severity: 'warning', component: 'kpi-pipeline', class: 'rollback' });
    expect(channels[3]).toMatchObject({ secure: false, requireTLS: true, rejectUnauthorized: true, subjectPrefix: '[rollback-drill]' });
    expect(channels[5]).toMatchObject({
      baseUrl: 'https://api.statuspage.io/v1',
      componentIds: [],
      componentStatus: 'under_maintenance',
      impact: 'maintenance',
      deliverNotifications: false,
    });
  });

  it("keeps round 1's webhooks working as channels of kind webhook, timeoutMs becoming the attempt timeout", () => {
    const { channels } = notificationsSchema.parse({
      channels: [minimal.slack],
      webhooks: [
        { name: 'incidents-hook', url: 'https://hooks.example.com/x', tokenEnv: 'HOOK_TOKEN', timeoutMs: 1000 },
        { name: 'plain', url: 'http://x/y' },
      ],
    });
    expect(channels.slice(1)).toEqual([
      {
        kind: 'webhook',
        name: 'incidents-hook',
        url: 'https://hooks.example.com/x',
        tokenEnv: 'HOOK_TOKEN',
        headers: {},
        events: [...notificationEvents],
        delivery: { attemptTimeoutMs: 1000 },
      },
      { kind: 'webhook', name: 'plain', url: 'http://x/y', headers: {}, events: [...notificationEvents] },
    ]);
  });

  it('refuses a secret written into the file, naming the field and the variable field to use, without echoing it', () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ ...minimal.slack, url: 'https://hooks.slack.com/services/T1/B2/hunter2' }, 'channels.0.url', 'urlEnv'],
      [{ ...minimal.teams, url: 'https://x.logic.azure.com/workflows/1?sig=hunter2' }, 'channels.0.url', 'urlEnv'],
      [{ ...minimal.pagerduty, routingKey: 'hunter2hunter2hunter2hunter2abcd' }, 'channels.0.routingKey', 'routingKeyEnv'],
      [{ ...minimal.email, user: 'drill', passwordEnv: 'SMTP_PASSWORD', password: 'hunter2' }, 'channels.0.password', 'passwordEnv'],
      [{ ...minimal.statuspage, apiKey: 'hunter2' }, 'channels.0.apiKey', 'apiKeyEnv'],
      [{ ...minimal.webhook, secret: 'hunter2' }, 'channels.0.secret', 'signature.secretEnv'],
      [{ ...minimal.webhook, token: 'hunter2' }, 'channels.0.token', 'tokenEnv'],
    ];
    for (const [input, path, envField] of cases) {
      const found = issues({ channels: [input] });
      expect(found, path).toHaveLength(1);
      expect(found[0]).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')}: .*is a secret.*\`${envField.replace('.', '\\.')}\``));
      expect(found[0]).not.toContain('hunter2');
    }
  });

  it('refuses a secret given where a variable name belongs, and a password in a webhook URL', () => {
    expect(channel({ kind: 'slack', urlEnv: 'https://hooks.slack.com/services/T1/B2/hunter2' })).toEqual([
      'channels.0.urlEnv: must be an environment variable name (the secret itself never goes in the config)',
    ]);
    expect(channel({ kind: 'pagerduty', routingKeyEnv: 'R0123456789abcdef0123456789abcd' })).toEqual([]);
    expect(channel({ kind: 'pagerduty', routingKeyEnv: 'hunter2 key' })[0]).toMatch(/^channels\.0\.routingKeyEnv: must be an environment variable name/);
    expect(issues({ webhooks: [{ name: 'a', url: 'http://u:hunter2@x' }] })).toEqual([
      'webhooks.0.url: the URL carries a user:password, a secret in the config file: put the URL in an environment variable named by `urlEnv`, or use `tokenEnv`',
    ]);
    expect(issues({ webhooks: [{ name: 'a', url: 'http://x', headers: { Authorization: 'Bearer hunter2' } }] })[0]).toMatch(/^webhooks\.0\.headers: .*tokenEnv/);
  });

  it('names the path of every other error: unknown kind, missing kind, unknown key, events a kind cannot deliver, duplicates', () => {
    expect(channel({ kind: 'sms' })).toEqual(['channels.0.kind: unknown notification kind "sms" (known: slack, teams, pagerduty, email, webhook, statuspage)']);
    expect(channel({ urlEnv: 'X' })).toEqual(['channels.0.kind: say which kind of channel this is: kind is one of slack, teams, pagerduty, email, webhook, statuspage']);
    expect(channel({ kind: 'slack', urlEnv: 'X', channel: '#incidents' })).toEqual(['channels.0: Unrecognized key: "channel"']);
    expect(channel({ kind: 'pagerduty', routingKeyEnv: 'K', events: ['v2-stopped'] })[0]).toMatch(
      /^channels\.0\.events\.0: not an event a pagerduty channel delivers \(one of: rollback-initiated, rollback-failed, rollback-verified\)/,
    );
    expect(channel({ kind: 'slack', urlEnv: 'X', events: [] })[0]).toMatch(/^channels\.0\.events: list at least one event/);
    expect(channel({ kind: 'slack', urlEnv: 'X', delivery: { attempts: 0 } })[0]).toMatch(/^channels\.0\.delivery\.attempts:/);
    expect(channel({ kind: 'slack', urlEnv: 'X', delivery: { retries: 2 } })[0]).toMatch(/^channels\.0\.delivery: Unrecognized key: "retries"/);
    expect(issues({ channels: [minimal.slack], webhooks: [{ name: 'incidents', url: 'http://x' }] })).toEqual(["webhooks.0.name: duplicate channel name 'incidents'"]);
    expect(issues({ channels: [minimal.slack, { ...minimal.teams, name: 'incidents' }] })).toEqual(["channels.1.name: duplicate channel name 'incidents'"]);
    expect(issues({ delivery: { deadlineMs: -1 } })[0]).toMatch(/^delivery\.deadlineMs:/);
  });

  it('checks kind-specific rules: one webhook URL, SMTP credentials in pairs and never in clear text, addresses', () => {
    expect(channel({ kind: 'webhook' })).toEqual(['channels.0.url: give exactly one of `url` and `urlEnv`']);
    expect(channel({ kind: 'webhook', url: 'http://x', urlEnv: 'HOOK_URL' })).toEqual(['channels.0.urlEnv: give exactly one of `url` and `urlEnv`']);
    expect(channel({ ...minimal.email, user: 'drill' })).toEqual(['channels.0.passwordEnv: give both `user` and `passwordEnv` (SMTP AUTH), or neither']);
    expect(channel({ ...minimal.email, user: 'drill', passwordEnv: 'P', requireTLS: false })).toEqual([
      'channels.0.requireTLS: the SMTP password would cross the network in clear text: set `secure` or `requireTLS`',
    ]);
    expect(channel({ ...minimal.email, to: ['ops-team'] })[0]).toMatch(/^channels\.0\.to\.0: must be an email address/);
    expect(channel({ ...minimal.email, from: 'Rollback drill <drill@example.com>', to: [] })).toEqual(['channels.0.to: list at least one recipient']);
    expect(channel({ ...minimal.statuspage, componentIds: ['ok1', 'not an id'] })[0]).toMatch(/^channels\.0\.componentIds\.1:/);
    expect(channel({ ...minimal.teams, cardVersion: '1.2' })[0]).toMatch(/^channels\.0\.cardVersion:/);
  });
});
