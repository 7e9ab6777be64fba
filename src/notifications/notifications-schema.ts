import { z } from 'zod';

/**
 * The points of a rollback at which people are told (the runbook's Phase 2: on-call, #incidents,
 * status page, customer success), plus the status page going into and out of maintenance.
 */
export const notificationEvents = [
  'rollback-initiated',
  'v2-stopped',
  'v1-healthy',
  'rollback-verified',
  'rollback-failed',
  'maintenance-on',
  'maintenance-off',
] as const;

export type NotificationEvent = (typeof notificationEvents)[number];

// Header names fetch accepts (RFC 9110 token); a bad one is a config error now, not a failed
// notification in the middle of a rollback.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

const webhookSchema = z
  .strictObject({
    /** Names the webhook in results and messages (its URL may carry a secret path, e.g. Slack's). */
    name: z.string().min(1),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    /** Events this webhook receives; all of them when omitted. */
    events: z.array(z.enum(notificationEvents)).min(1, 'list at least one event, or omit `events` for all').default([...notificationEvents]),
    /** Literal, non-secret headers. Credentials go through `tokenEnv`, never into the config file. */
    headers: z
      .record(z.string().regex(headerName, 'not a valid HTTP header name'), z.string())
      .default({})
      .refine((headers) => !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization'), {
        message: 'an authorization header would put a secret in the config: name an environment variable in `tokenEnv` instead',
      }),
    /** Name of the environment variable holding a bearer token, sent as `authorization: Bearer …`. */
    tokenEnv: z.string().regex(envName, 'must be an environment variable name (the token itself never goes in the config)').optional(),
    timeoutMs: z.number().int().positive().default(5000),
  })
  .refine((webhook) => !(webhook.tokenEnv && hasCredentials(webhook.url)), {
    message: 'the URL carries a user:password and `tokenEnv` is set: choose one way to authenticate',
    path: ['tokenEnv'],
  });

export const notificationsSchema = z
  .strictObject({
    webhooks: z
      .array(webhookSchema)
      .default([])
      .superRefine((webhooks, ctx) => {
        const seen = new Set<string>();
        webhooks.forEach((webhook, index) => {
          if (seen.has(webhook.name)) ctx.addIssue({ code: 'custom', message: `duplicate webhook name '${webhook.name}'`, path: [index, 'name'] });
          seen.add(webhook.name);
        });
      }),
  })
  // An environment without a `notifications` key notifies nobody, rather than failing validation.
  .prefault({});

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

export type NotificationsInput = z.input<typeof notificationsSchema>;
export type NotificationsConfig = z.output<typeof notificationsSchema>;
export type WebhookConfig = NotificationsConfig['webhooks'][number];
