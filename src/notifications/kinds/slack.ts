import { z } from 'zod';
import {
  defineNotificationChannel,
  envVar,
  eventTitle,
  literalSecret,
  messageFacts,
  secretUrl,
  truncate,
  unavailableChannel,
  type NotificationMessage,
} from '../channel-plugin.ts';
import { httpAttempt } from '../http-attempt.ts';

/*
 * Slack incoming webhook (a Slack app's "Incoming Webhooks" feature):
 *   https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * POST JSON { text, blocks }; `text` is the fallback shown in notifications when blocks are given.
 * Answers 200 "ok"; errors are 4xx with a short reason (400 invalid_blocks, 403 invalid_token,
 * 404 channel_not_found, 410 channel_is_archived) and 429 when rate limited (Retry-After).
 * Blocks: https://docs.slack.dev/reference/block-kit/blocks/section-block (text ≤ 3000 characters),
 * https://docs.slack.dev/reference/block-kit/blocks/context-block (≤ 10 elements).
 * Escaping: https://docs.slack.dev/messaging/formatting-message-text (&, < and > as entities).
 */

export const slackFields = z
  .strictObject({
    urlEnv: envVar().describe('Name of the environment variable holding the webhook URL: the URL is the credential.'),
    url: literalSecret('a Slack webhook URL', 'urlEnv'),
    webhookUrl: literalSecret('a Slack webhook URL', 'urlEnv'),
  })
  .describe("Posts to a Slack channel (e.g. the runbook's #incidents) through an incoming webhook.");

const SECTION_TEXT_MAX = 3000;
const FALLBACK_MAX = 4000;

export interface SlackMessage {
  text: string;
  blocks: Array<{ type: 'section'; text: { type: 'mrkdwn'; text: string } } | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }>;
}

/** Slack's mrkdwn treats only these three as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function slackMessage(message: NotificationMessage): SlackMessage {
  const headline = `${eventTitle(message.event)} — ${message.environment}`;
  const details = message.data === null || message.data === undefined ? '' : `\n\`\`\`${JSON.stringify(message.data, null, 1)}\`\`\``;
  return {
    // Slack parses `text` as mrkdwn too (it is what notifications show).
    text: truncate(escapeMrkdwn(`${headline}: ${message.message}`), FALLBACK_MAX),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(`*${headline}*\n${message.message}${details}`), SECTION_TEXT_MAX) } },
      { type: 'context', elements: messageFacts(message).map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}:* ${escapeMrkdwn(value)}` })) },
    ],
  };
}

export const slackChannel = defineNotificationChannel({
  kind: 'slack',
  schema: slackFields,
  create(config, context) {
    const read = secretUrl(context, config.urlEnv, 'urlEnv');
    if ('unavailable' in read) return unavailableChannel(`slack '${config.name}'`, read.unavailable);
    const { url } = read;
    return {
      description: `slack '${config.name}' (POST ${url.origin})`,
      attempt: (message, attempt) =>
        httpAttempt(context.fetch, { method: 'POST', url: url.href, headers: { 'content-type': 'application/json' }, body: JSON.stringify(slackMessage(message)) }, attempt.signal),
    };
  },
});
