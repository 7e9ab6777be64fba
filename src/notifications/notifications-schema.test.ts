import { describe, expect, it } from 'vitest';
import { notificationEvents, notificationsSchema } from './notifications-schema.ts';

const issues = (input: unknown) => notificationsSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('notificationsSchema', () => {
  it('defaults to no webhooks when the key is absent', () => {
    expect(notificationsSchema.parse(undefined)).toEqual({ webhooks: [] });
  });

  it('subscribes a webhook to every event by default', () => {
    const { webhooks } = notificationsSchema.parse({ webhooks: [{ name: 'incidents', url: 'https://hooks.example.com/x' }] });
    expect(webhooks[0]).toEqual({ name: 'incidents', url: 'https://hooks.example.com/x', events: [...notificationEvents], headers: {}, timeoutMs: 5000 });
  });

  it('rejects non-http URLs, unknown events, unknown keys and duplicate names, naming the path', () => {
    expect(issues({ webhooks: [{ name: 'a', url: 'ftp://example.com' }] })).toEqual(['webhooks.0.url: must be an http:// or https:// URL']);
    expect(issues({ webhooks: [{ name: 'a', url: 'http://x', events: ['v3-started'] }] })[0]).toMatch(/^webhooks\.0\.events\.0:/);
    expect(issues({ webhooks: [{ name: 'a', url: 'http://x', token: 'abc' }] })[0]).toMatch(/^webhooks\.0: .*token/);
    expect(issues({ webhooks: [{ name: 'a', url: 'http://x' }, { name: 'a', url: 'http://y' }] })).toEqual(["webhooks.1.name: duplicate webhook name 'a'"]);
    expect(issues({ webhooks: [{ name: 'a', url: 'http://x', events: [] }] })[0]).toMatch(/at least one event/);
  });

  it('keeps secrets out of the config: no authorization header, tokenEnv must be a variable name', () => {
    expect(issues({ webhooks: [{ name: 'a', url: 'http://x', headers: { Authorization: 'Bearer abc' } }] })[0]).toMatch(/tokenEnv/);
    expect(issues({ webhooks: [{ name: 'a', url: 'http://x', tokenEnv: 'xoxb-123-abc' }] })[0]).toMatch(/^webhooks\.0\.tokenEnv: must be an environment variable name/);
    expect(issues({ webhooks: [{ name: 'a', url: 'http://u:pw@x', tokenEnv: 'TOKEN' }] })[0]).toMatch(/choose one way/);
  });

  it('does not echo a rejected value in its messages', () => {
    const text = issues({ webhooks: [{ name: 'a', url: 'gopher://u:hunter2@x', headers: { authorization: 'Bearer hunter2' } }] }).join('\n');
    expect(text).not.toContain('hunter2');
  });
});
