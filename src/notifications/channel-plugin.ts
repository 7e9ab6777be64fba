import { z } from 'zod';
import type { Redactor } from '../redaction/redactor.ts';

/**
 * The points of a rollback at which people are told (the runbook's Phase 2: on-call, #incidents,
 * status page, customer success), plus the status page going into and out of maintenance.
 */
export const notificationEvents = ['rollback-initiated', 'v2-stopped', 'v1-healthy', 'rollback-verified', 'rollback-failed', 'maintenance-on', 'maintenance-off'] as const;

export type NotificationEvent = (typeof notificationEvents)[number];

/** What the harness says about one point of the rollback, as every kind receives it: already redacted. */
export interface NotificationMessage {
  event: NotificationEvent;
  runId: string;
  environment: string;
  testId: string;
  message: string;
  /** ISO 8601 time the event was raised (not the time of a retry). */
  at: string;
  /** Any JSON-serialisable detail, or null. */
  data: unknown;
}

export interface AttemptContext {
  /** Aborted when the attempt's time is up: pass it to fetch / the SMTP client. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
  /** The same for every attempt of one delivery, so a receiver can drop a retried duplicate. */
  deliveryId: string;
  /** Time this attempt has, for clients that take a timeout rather than a signal. */
  timeoutMs: number;
}

/**
 * One attempt's outcome. A failure says whether trying again can help (a network error, 429, 5xx)
 * or not (400: the payload or the key is wrong, and will be wrong next time too).
 */
export type AttemptOutcome = { ok: true; status?: number; detail?: string } | { ok: false; retryable: boolean; status?: number; retryAfterMs?: number; error: string };

/** A configured channel, opened for one run. */
export interface NotificationChannel {
  /** How messages name it, with no secret in it: `slack 'incidents' (POST https://hooks.slack.com)`. */
  readonly description: string;
  /** Why it cannot send at all (a variable not set): every event it subscribes to becomes a warning saying so. */
  readonly unavailable?: string;
  attempt(message: NotificationMessage, context: AttemptContext): Promise<AttemptOutcome>;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** What a kind's `create` may use: secrets only through `secret`, so each is registered for redaction first. */
export interface ChannelContext {
  /** Reads an environment variable holding a secret and registers its value with the run's Redactor. */
  secret(variable: string): string | undefined;
  redactor: Redactor;
  fetch: FetchLike;
  clock: () => number;
  /** Folder of the config file: relative paths in a channel's config resolve against it. */
  baseDir: string;
}

/** The fields every channel has, whatever its kind (the registry adds them to the kind's schema). */
export interface ChannelCommon {
  kind: string;
  name: string;
  events: NotificationEvent[];
  delivery?: Partial<DeliveryPolicy>;
}

/** Retries of one delivery: the defaults are in `notifications-schema.ts` and docs/notifications.md. */
export interface DeliveryPolicy {
  attempts: number;
  attemptTimeoutMs: number;
  deadlineMs: number;
  backoffMs: number;
}

/**
 * A kind of notification channel. Built-in kinds and a user's own (from drill.config.ts) are the
 * same thing: a strict zod object of the kind's own fields, and a factory.
 */
export interface NotificationChannelPlugin<Fields extends z.ZodObject = z.ZodObject> {
  kind: string;
  /** The kind's own fields, a `z.strictObject`; the registry adds `kind`, `name`, `events` and `delivery`. */
  schema: Fields;
  /** The events this kind can deliver (all when omitted). */
  events?: readonly NotificationEvent[];
  /** The events a channel gets when its `events` is omitted (all it can deliver when omitted). */
  defaultEvents?: readonly NotificationEvent[];
  create(config: z.output<Fields> & ChannelCommon, context: ChannelContext): NotificationChannel;
}

/** Typed identity, so a plug-in's `create` sees its own config type. */
export function defineNotificationChannel<Fields extends z.ZodObject>(plugin: NotificationChannelPlugin<Fields>): NotificationChannelPlugin<Fields> {
  return plugin;
}

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A field naming the environment variable that holds a secret; a value that is not a name is refused without being echoed. */
export function envVar() {
  return z.string().regex(envName, 'must be an environment variable name (the secret itself never goes in the config)');
}

/**
 * A field a user might write a secret into by mistake (`url` of a Slack channel, `password`): any
 * value is a config error that names the field and the `…Env` field to use instead.
 */
export function literalSecret(what: string, envField: string) {
  return z
    .never({ error: `${what} is a secret and would sit in the config file: put it in an environment variable and name that in \`${envField}\`` })
    .optional()
    .describe(`Refused: ${what} is a secret; name its environment variable in \`${envField}\`.`);
}

/** Reads a URL that is itself a secret (a Slack or Teams webhook URL), registering its parts for redaction. */
export function secretUrl(context: ChannelContext, variable: string, field: string): { url: URL } | { unavailable: string } {
  const value = context.secret(variable);
  if (!value) return { unavailable: `environment variable ${variable} (its ${field}) is not set; nothing sent` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { unavailable: `environment variable ${variable} (its ${field}) does not hold a URL; nothing sent` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { unavailable: `environment variable ${variable} (its ${field}) does not hold an http(s) URL; nothing sent` };
  // An error may quote the URL as parsed, or just its path: both are masked.
  context.redactor.add(url.href);
  if (url.pathname.length > 8) context.redactor.add(url.pathname);
  if (url.search.length > 8) context.redactor.add(url.search.slice(1));
  // A signature parameter (Teams' `sig`) is long; short ones (`api-version`, `sv`) are no secret.
  for (const value of url.searchParams.values()) if (value.length >= 16) context.redactor.add(value);
  return { url };
}

const titles: Record<NotificationEvent, string> = {
  'rollback-initiated': 'Rollback initiated',
  'v2-stopped': 'V2 stopped',
  'v1-healthy': 'V1 healthy',
  'rollback-verified': 'Rollback verified',
  'rollback-failed': 'Rollback FAILED',
  'maintenance-on': 'Maintenance on',
  'maintenance-off': 'Maintenance off',
};

/** "Rollback initiated" — the headline every human-facing kind shows. */
export function eventTitle(event: NotificationEvent): string {
  return titles[event];
}

/** Where the rollback stands after this event. */
export function verdict(event: NotificationEvent): 'verified' | 'failed' | 'in progress' {
  if (event === 'rollback-verified') return 'verified';
  if (event === 'rollback-failed') return 'failed';
  return 'in progress';
}

/** The facts every human-facing kind lists under the message. */
export function messageFacts(message: NotificationMessage): Array<[label: string, value: string]> {
  return [
    ['Environment', message.environment],
    ['Run', message.runId],
    ['Test', message.testId],
    ['Event', message.event],
    ['Verdict', verdict(message.event)],
  ];
}

/** Cuts text to a service's limit, saying so, rather than have the whole message refused. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A channel that cannot send (a variable not set): each event it subscribes to is a warning saying why. */
export function unavailableChannel(description: string, unavailable: string): NotificationChannel {
  return {
    description,
    unavailable,
    attempt: () => Promise.resolve({ ok: false, retryable: false, error: unavailable }),
  };
}

// Header names fetch accepts (RFC 9110 token): a bad one is a config error now, not a failed
// notification in the middle of a rollback.
export const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');
