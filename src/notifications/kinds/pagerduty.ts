import { z } from 'zod';
import { defineNotificationChannel, envVar, eventTitle, literalSecret, truncate, unavailableChannel, type NotificationMessage } from '../channel-plugin.ts';
import { httpAttempt, jsonAnswer } from '../http-attempt.ts';

/*
 * PagerDuty Events API v2, alert events:
 *   https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
 *   https://developer.pagerduty.com/docs/events-api-v2/overview/ (response codes, retry logic)
 * POST https://events.pagerduty.com/v2/enqueue
 *   { routing_key (32-character integration key), event_action: trigger | acknowledge | resolve,
 *     dedup_key (≤ 255), payload: { summary (≤ 1024), source, severity: critical | error | warning | info,
 *     timestamp, component, group, class, custom_details } }   — payload only for trigger.
 * Answers 202 { status: 'success', message: 'Event processed', dedup_key }; 400 is not retried,
 * 429 and 5xx are. A resolve whose dedup_key has no open alert is dropped by PagerDuty.
 */

export const pagerdutyEvents = ['rollback-initiated', 'rollback-failed', 'rollback-verified'] as const;
const severities = ['critical', 'error', 'warning', 'info'] as const;

export const pagerdutyFields = z
  .strictObject({
    routingKeyEnv: envVar().describe("Name of the environment variable holding the service's Events API v2 integration key."),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('https://events.pagerduty.com/v2/enqueue')
      .describe("The Events API endpoint; only tests and PagerDuty's EU service region change it."),
    source: z.string().min(1).max(255).optional().describe('`payload.source`: the affected system; `rollback-drill/<environment>` by default.'),
    component: z.string().min(1).default('kpi-pipeline').describe('`payload.component`.'),
    group: z.string().min(1).optional().describe("`payload.group`; the environment's name by default."),
    class: z.string().min(1).default('rollback').describe('`payload.class`.'),
    severity: z.enum(severities).default('warning').describe('Severity of the trigger sent when a rollback is initiated; a failed rollback is always `critical`.'),
    routingKey: literalSecret('a PagerDuty routing key', 'routingKeyEnv'),
    integrationKey: literalSecret('a PagerDuty integration key', 'routingKeyEnv'),
  })
  .describe('Pages on-call: a trigger when a rollback starts or fails, a resolve when it is verified.');

type PagerdutyConfig = z.output<typeof pagerdutyFields>;

export interface PagerdutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: (typeof severities)[number];
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
}

/** One alert per run: the resolve at "verified" closes what the trigger at "initiated" opened. */
export function dedupKey(runId: string): string {
  return `drill-${runId}`;
}

export function pagerdutyEvent(message: NotificationMessage, routingKey: string, config: PagerdutyConfig): PagerdutyEvent {
  const base = { routing_key: routingKey, dedup_key: dedupKey(message.runId) };
  if (message.event === 'rollback-verified') return { ...base, event_action: 'resolve' };
  return {
    ...base,
    event_action: 'trigger',
    payload: {
      summary: truncate(`${eventTitle(message.event)} — ${message.environment}: ${message.message}`, 1024),
      source: config.source ?? `rollback-drill/${message.environment}`,
      severity: message.event === 'rollback-failed' ? 'critical' : config.severity,
      timestamp: message.at,
      component: config.component,
      group: config.group ?? message.environment,
      class: config.class,
      custom_details: { runId: message.runId, testId: message.testId, environment: message.environment, event: message.event, message: message.message, data: message.data },
    },
  };
}

export const pagerdutyChannel = defineNotificationChannel({
  kind: 'pagerduty',
  schema: pagerdutyFields,
  events: pagerdutyEvents,
  create(config, context) {
    const url = new URL(config.url);
    const description = `pagerduty '${config.name}' (POST ${url.origin})`;
    const routingKey = context.secret(config.routingKeyEnv);
    if (!routingKey) return unavailableChannel(description, `environment variable ${config.routingKeyEnv} (its routingKeyEnv) is not set; nothing sent`);
    if (routingKey.length !== 32)
      return unavailableChannel(description, `environment variable ${config.routingKeyEnv} (its routingKeyEnv) does not hold a 32-character integration key; nothing sent`);
    // A failed rollback's alert stays open for the humans, even if a later test of the run passes.
    const failedRuns = new Set<string>();
    return {
      description,
      attempt(message, attempt) {
        if (message.event === 'rollback-verified' && failedRuns.has(message.runId)) {
          return Promise.resolve({ ok: true, detail: `not resolved: a rollback of run ${message.runId} failed, its alert ${dedupKey(message.runId)} stays open` });
        }
        // Marked before sending: even if this trigger is not delivered, a later resolve must not close the run's alert.
        if (message.event === 'rollback-failed') failedRuns.add(message.runId);
        const event = pagerdutyEvent(message, routingKey, config);
        return httpAttempt(
          context.fetch,
          { method: 'POST', url: url.href, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) },
          attempt.signal,
          (answer) => {
            const key = jsonAnswer(answer.text)?.['dedup_key'];
            return {
              ok: true,
              status: answer.status,
              detail: typeof key === 'string' ? `${event.event_action} dedup_key ${key}` : `${event.event_action} accepted without a dedup_key in the answer`,
            };
          },
        );
      },
    };
  },
});
