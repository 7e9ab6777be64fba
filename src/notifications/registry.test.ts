import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Redactor } from '../redaction/redactor.ts';
import { defineNotificationChannel, envVar, literalSecret, type NotificationMessage } from './channel-plugin.ts';
import { notificationsSchema, notificationsSchemaFor } from './notifications-schema.ts';
import { createNotifier } from './notifier.ts';
import { createChannelRegistry } from './registry.ts';

const details = { runId: 'run-1', environment: 'staging', testId: 'dry-run', message: 'Rolling back to V1' };

/** What a user's drill.config.ts could add: SMS through an SMS gateway, in its own words. */
function smsPlugin(sent: Array<{ to: string; text: string; token: string }>) {
  return defineNotificationChannel({
    kind: 'sms',
    schema: z.strictObject({
      to: z.array(z.string().regex(/^\+\d{6,15}$/, 'an E.164 number')).min(1),
      tokenEnv: envVar(),
      token: literalSecret('an SMS gateway token', 'tokenEnv'),
    }),
    events: ['rollback-initiated', 'rollback-failed'],
    defaultEvents: ['rollback-failed'],
    create(config, context) {
      const token = context.secret(config.tokenEnv);
      return {
        description: `sms '${config.name}'`,
        attempt: async (message: NotificationMessage) => {
          for (const to of config.to) sent.push({ to, text: `${message.environment}: ${message.message}`, token: token ?? '' });
          return token === 'expired-token'
            ? { ok: false, retryable: false, status: 401, error: `gateway refused token ${token}` }
            : { ok: true, status: 200, detail: `${config.to.length} SMS queued` };
        },
      };
    },
  });
}

describe('channel registry', () => {
  it("plugs a user's own kind in beside the built-ins: schema, defaults, delivery and results", async () => {
    const sent: Array<{ to: string; text: string; token: string }> = [];
    const registry = createChannelRegistry(['slack', 'webhook', smsPlugin(sent)]);
    expect(registry.kinds).toEqual(['slack', 'webhook', 'sms']);
    const schema = notificationsSchemaFor(registry);
    const config = schema.parse({ channels: [{ kind: 'sms', name: 'on-call-phones', to: ['+4915112345678'], tokenEnv: 'SMS_TOKEN' }] });
    expect(config.channels[0]).toEqual({ kind: 'sms', name: 'on-call-phones', to: ['+4915112345678'], tokenEnv: 'SMS_TOKEN', events: ['rollback-failed'] });

    const notifier = createNotifier(config, { registry, env: { SMS_TOKEN: 'tok-123456' } });
    expect(await notifier.notify('rollback-initiated', details)).toEqual([]);
    expect(await notifier.notify('rollback-failed', details)).toEqual([
      { webhook: 'on-call-phones', kind: 'sms', event: 'rollback-failed', ok: true, status: 200, detail: '1 SMS queued', attempts: 1, durationMs: expect.any(Number) },
    ]);
    expect(sent).toEqual([{ to: '+4915112345678', text: 'staging: Rolling back to V1', token: 'tok-123456' }]);
  });

  it("validates a plug-in's channels like a built-in's, with paths, and masks the secrets it reads", async () => {
    const registry = createChannelRegistry(['slack', smsPlugin([])]);
    const issues = notificationsSchemaFor(registry)
      .safeParse({
        channels: [
          { kind: 'sms', name: 'a', to: ['12'], tokenEnv: 'T' },
          { kind: 'sms', name: 'b', to: ['+4915112345678'], tokenEnv: 'T', token: 'hunter2' },
          { kind: 'sms', name: 'c', to: ['+4915112345678'], tokenEnv: 'T', events: ['v2-stopped'] },
          { kind: 'pagerduty', name: 'd', routingKeyEnv: 'K' },
        ],
      })
      .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual([
      'channels.0.to.0: an E.164 number',
      'channels.1.token: an SMS gateway token is a secret and would sit in the config file: put it in an environment variable and name that in `tokenEnv`',
      'channels.2.events.0: not an event a sms channel delivers (one of: rollback-initiated, rollback-failed)',
      'channels.3.kind: unknown notification kind "pagerduty" (known: slack, sms)',
    ]);
    // The built-in schema does not know the user's kind.
    expect(notificationsSchema.safeParse({ channels: [{ kind: 'sms', name: 'a' }] }).error?.issues[0]?.message).toMatch(/unknown notification kind "sms"/);

    const redactor = new Redactor();
    const config = notificationsSchemaFor(registry).parse({ channels: [{ kind: 'sms', name: 'a', to: ['+4915112345678'], tokenEnv: 'T' }] });
    const [result] = await createNotifier(config, { registry, env: { T: 'expired-token' }, redactor }).notify('rollback-failed', details);
    expect(result).toMatchObject({ ok: false, status: 401, attempts: 1, error: "sms 'a' rollback-failed: gateway refused token ***" });
  });

  it('refuses a plug-in that cannot work, before any run', () => {
    const base = { schema: z.strictObject({}), create: () => ({ description: 'x', attempt: async () => ({ ok: true as const }) }) };
    expect(() => createChannelRegistry(['slack', { ...base, kind: 'Slack Two' }])).toThrow(/kind must be lower-case letters/);
    expect(() => createChannelRegistry(['slack', { ...base, kind: 'slack' }])).toThrow("notification kind 'slack' is registered twice");
    expect(() => createChannelRegistry([{ ...base, kind: 'x', schema: z.strictObject({ name: z.string() }) }])).toThrow(/must not declare name/);
    expect(() => createChannelRegistry([{ ...base, kind: 'x', events: ['v3-started' as never] }])).toThrow(/unknown events v3-started/);
    expect(() => createChannelRegistry([{ ...base, kind: 'x', events: ['v2-stopped'], defaultEvents: ['v1-healthy'] }])).toThrow(
      /default events v1-healthy are not among its events/,
    );
    expect(() => createChannelRegistry(['carrier-pigeon' as never])).toThrow(/unknown built-in notification kind 'carrier-pigeon'/);
  });

  it('keeps a plug-in that throws while opening a warning, not a crash', async () => {
    const broken = defineNotificationChannel({
      kind: 'broken',
      schema: z.strictObject({}),
      create: () => {
        throw new Error('gateway SDK not installed');
      },
    });
    const registry = createChannelRegistry([broken]);
    const config = notificationsSchemaFor(registry).parse({ channels: [{ kind: 'broken', name: 'b' }] });
    const [result] = await createNotifier(config, { registry }).notify('v2-stopped', details);
    expect(result).toMatchObject({ ok: false, attempts: 0, error: "broken 'b' v2-stopped: cannot be opened: gateway SDK not installed" });
  });
});
