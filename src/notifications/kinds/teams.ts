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
  verdict,
  type NotificationMessage,
} from '../channel-plugin.ts';
import { httpAttempt } from '../http-attempt.ts';

/*
 * Microsoft Teams through a Workflows webhook (Power Automate flow "When a Teams webhook request is
 * received" → "Post card in a chat or channel"); Office 365 connectors' MessageCard is retired:
 *   https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
 *   https://support.microsoft.com/en-us/office/create-incoming-webhooks-with-workflows-for-microsoft-teams-8ae491c7-0394-4861-ba59-055e33f75498
 * The body is a message whose attachment is an Adaptive Card:
 *   { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: <card> }] }
 * Card schema: https://adaptivecards.io/explorer/AdaptiveCard.html (type and version required;
 * TextBlock needs text; FactSet needs facts of { title, value }). The flow answers 202 Accepted.
 * The URL carries its signature (`sig=`): it is the credential.
 */

export const teamsFields = z
  .strictObject({
    urlEnv: envVar().describe("Name of the environment variable holding the workflow's URL (its `sig` parameter is the credential)."),
    cardVersion: z.enum(['1.4', '1.5']).default('1.4').describe('Adaptive Card schema version: 1.5 renders in Teams desktop and web; 1.4 also in older mobile clients.'),
    url: literalSecret('a Teams workflow URL', 'urlEnv'),
  })
  .describe('Posts an Adaptive Card to a Teams channel or chat through a Workflows webhook.');

export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: string;
  body: Array<Record<string, unknown>>;
  msteams?: { width: 'Full' };
}

export interface TeamsMessage {
  type: 'message';
  attachments: Array<{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }>;
}

export function teamsMessage(message: NotificationMessage, cardVersion: string): TeamsMessage {
  const state = verdict(message.event);
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: cardVersion,
    body: [
      {
        type: 'TextBlock',
        text: `${eventTitle(message.event)} — ${message.environment}`,
        size: 'Medium',
        weight: 'Bolder',
        wrap: true,
        color: state === 'failed' ? 'Attention' : state === 'verified' ? 'Good' : 'Default',
      },
      { type: 'TextBlock', text: truncate(message.message, 2000), wrap: true },
      { type: 'FactSet', facts: messageFacts(message).map(([title, value]) => ({ title, value })) },
    ],
    msteams: { width: 'Full' },
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

export const teamsChannel = defineNotificationChannel({
  kind: 'teams',
  schema: teamsFields,
  create(config, context) {
    const read = secretUrl(context, config.urlEnv, 'urlEnv');
    if ('unavailable' in read) return unavailableChannel(`teams '${config.name}'`, read.unavailable);
    const { url } = read;
    return {
      description: `teams '${config.name}' (POST ${url.origin})`,
      attempt: (message, attempt) =>
        httpAttempt(
          context.fetch,
          { method: 'POST', url: url.href, headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(message, config.cardVersion)) },
          attempt.signal,
        ),
    };
  },
});
