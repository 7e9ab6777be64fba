import type { Redactor } from '../config/redact.ts';
import type { NotificationEvent, WebhookConfig } from './notifications-schema.ts';

/** What the harness says about a point of the rollback; `data` is any JSON-serialisable detail. */
export interface NotificationDetails {
  runId: string;
  environment: string;
  testId: string;
  message: string;
  data?: unknown;
}

export interface WebhookPayload extends Omit<NotificationDetails, 'data'> {
  event: NotificationEvent;
  /** ISO 8601 time at which the notification was sent. */
  at: string;
  data: unknown;
}

/** A webhook ready to be called, or the reason it cannot be (a missing token is a warning, not a crash). */
export type PreparedWebhook =
  | { ok: true; name: string; url: string; origin: string; headers: Record<string, string>; secrets: string[] }
  | { ok: false; name: string; origin: string; error: string; secrets: string[] };

export function subscribers(webhooks: readonly WebhookConfig[], event: NotificationEvent): WebhookConfig[] {
  return webhooks.filter((webhook) => webhook.events.includes(event));
}

/**
 * Resolves a webhook's credentials once: the bearer token from `tokenEnv`, or a user:password in
 * the URL turned into Basic auth (fetch refuses URLs with credentials). Every secret found is
 * returned so the caller registers it with its Redactor before anything can be printed.
 */
export function prepareWebhook(webhook: WebhookConfig, env: Record<string, string | undefined>): PreparedWebhook {
  const url = new URL(webhook.url);
  const secrets: string[] = [];
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(webhook.headers)) headers[name.toLowerCase()] = value;
  headers['content-type'] = 'application/json';

  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    secrets.push(url.password, password, basic);
    headers.authorization = `Basic ${basic}`;
    url.username = '';
    url.password = '';
  }
  const origin = url.origin;

  if (webhook.tokenEnv !== undefined) {
    const token = env[webhook.tokenEnv];
    if (!token) {
      return { ok: false, name: webhook.name, origin, secrets, error: `environment variable ${webhook.tokenEnv} (its tokenEnv) is not set; nothing sent` };
    }
    secrets.push(token);
    headers.authorization = `Bearer ${token}`;
  }
  return { ok: true, name: webhook.name, url: url.href, origin, headers, secrets };
}

/**
 * The JSON body. Every string in it goes through the Redactor: a message or a detail that quotes
 * a DSN must not carry its password to a chat channel.
 */
export function serializePayload(event: NotificationEvent, details: NotificationDetails, at: Date, redactor: Redactor): string {
  const payload: WebhookPayload = {
    event,
    runId: details.runId,
    environment: details.environment,
    testId: details.testId,
    message: details.message,
    at: at.toISOString(),
    data: details.data ?? null,
  };
  return JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'string' ? redactor.redact(value) : value));
}
