import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { defineNotificationChannel, envVar, headerName, literalSecret, secretUrl, unavailableChannel, type NotificationMessage } from '../channel-plugin.ts';
import { httpAttempt } from '../http-attempt.ts';

/** The JSON body every `webhook` channel receives (the harness's own format, unchanged since round 1). */
export interface WebhookPayload {
  event: NotificationMessage['event'];
  runId: string;
  environment: string;
  testId: string;
  message: string;
  /** ISO 8601 time the event was raised. */
  at: string;
  data: unknown;
}

export const webhookFields = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional()
      .describe('Where to POST, when the URL is no secret; else `urlEnv`.'),
    urlEnv: envVar().optional().describe('Name of the environment variable holding the URL, when the URL itself is a secret (a token in its path).'),
    headers: z
      .record(headerName, z.string())
      .default({})
      .refine((headers) => !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization'), {
        message: 'an authorization header would put a secret in the config: name an environment variable in `tokenEnv` instead',
      })
      .describe('Literal, non-secret headers. Credentials go through `tokenEnv`, never into the config file.'),
    tokenEnv: envVar().optional().describe('Name of the environment variable holding a bearer token, sent as `authorization: Bearer …`.'),
    signature: z
      .strictObject({
        secretEnv: envVar().describe('Name of the environment variable holding the shared secret.'),
        header: headerName.default('x-drill-signature').describe('The header carrying `sha256=<hex>`.'),
        timestampHeader: headerName.default('x-drill-timestamp').describe('The header carrying the signed timestamp.'),
      })
      .optional()
      .describe('Signs every request with HMAC-SHA256 so the receiver can tell it came from this harness, recently.'),
    token: literalSecret('a bearer token', 'tokenEnv'),
    secret: literalSecret('a signing secret', 'signature.secretEnv'),
  })
  .superRefine((webhook, ctx) => {
    if ((webhook.url === undefined) === (webhook.urlEnv === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `url` and `urlEnv`', path: [webhook.url === undefined ? 'url' : 'urlEnv'] });
    }
    if (webhook.url !== undefined && hasCredentials(webhook.url)) {
      ctx.addIssue({
        code: 'custom',
        message: 'the URL carries a user:password, a secret in the config file: put the URL in an environment variable named by `urlEnv`, or use `tokenEnv`',
        path: ['url'],
      });
    }
  })
  .describe("A plain JSON POST of the harness's own payload: for a receiver of your own (a chatops bot, a ticketing bridge).");

/**
 * `x-drill-signature: sha256=<hex>` — HMAC-SHA256, keyed with the shared secret, over
 * `<timestamp>.<raw body>`: the timestamp is signed too, so a captured request cannot be replayed
 * later with a fresh timestamp. docs/notifications.md shows how a receiver verifies it.
 */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookBody(message: NotificationMessage): string {
  const payload: WebhookPayload = {
    event: message.event,
    runId: message.runId,
    environment: message.environment,
    testId: message.testId,
    message: message.message,
    at: message.at,
    data: message.data,
  };
  return JSON.stringify(payload);
}

export const webhookChannel = defineNotificationChannel({
  kind: 'webhook',
  schema: webhookFields,
  create(config, context) {
    let url: URL;
    if (config.urlEnv !== undefined) {
      const read = secretUrl(context, config.urlEnv, 'urlEnv');
      if ('unavailable' in read) return unavailableChannel(`webhook '${config.name}'`, read.unavailable);
      url = read.url;
    } else {
      url = new URL(config.url!);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(config.headers)) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json';
    headers['user-agent'] ??= 'rollback-drill';

    // fetch refuses URLs with credentials: a user:password from the environment becomes Basic auth.
    if (url.username || url.password) {
      if (config.tokenEnv !== undefined)
        return unavailableChannel(
          `webhook '${config.name}' (POST ${url.origin})`,
          `the URL from ${config.urlEnv} carries a user:password and \`tokenEnv\` is set: choose one way to authenticate; nothing sent`,
        );
      const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
      for (const secret of [url.password, decodeURIComponent(url.password), basic]) context.redactor.add(secret);
      headers.authorization = `Basic ${basic}`;
      url.username = '';
      url.password = '';
    }
    const description = `webhook '${config.name}' (POST ${url.origin})`;
    if (config.tokenEnv !== undefined) {
      const token = context.secret(config.tokenEnv);
      if (!token) return unavailableChannel(description, `environment variable ${config.tokenEnv} (its tokenEnv) is not set; nothing sent`);
      headers.authorization = `Bearer ${token}`;
    }
    let signingSecret: string | undefined;
    if (config.signature) {
      signingSecret = context.secret(config.signature.secretEnv);
      if (!signingSecret) return unavailableChannel(description, `environment variable ${config.signature.secretEnv} (its signature.secretEnv) is not set; nothing sent`);
    }
    const target = url.href;
    return {
      description,
      attempt(message, attempt) {
        const body = webhookBody(message);
        const request: Record<string, string> = { ...headers, 'x-drill-event': message.event, 'x-drill-delivery': attempt.deliveryId };
        if (config.signature && signingSecret) {
          // Signed per attempt, so a retry carries a fresh timestamp a receiver still accepts.
          const timestamp = String(Math.floor(context.clock() / 1000));
          request[config.signature.timestampHeader.toLowerCase()] = timestamp;
          request[config.signature.header.toLowerCase()] = signBody(signingSecret, timestamp, body);
        }
        return httpAttempt(context.fetch, { method: 'POST', url: target, headers: request, body }, attempt.signal);
      },
    };
  },
});

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}
