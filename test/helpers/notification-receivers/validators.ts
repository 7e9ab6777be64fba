import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/*
 * What each service accepts, written from its documentation (cited in src/notifications/kinds/*),
 * independently of the code that builds the payloads: a receiver answers 400 and records why when
 * a payload breaks one of these rules, as the real service would refuse it.
 * Each validator returns the list of violations, empty when the payload is accepted.
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown, min = 1, max = Infinity): value is string => typeof value === 'string' && value.length >= min && value.length <= max;

function unknownKeys(object: Json, allowed: readonly string[], where: string): string[] {
  return Object.keys(object)
    .filter((key) => !allowed.includes(key))
    .map((key) => `${where}: unexpected field ${key}`);
}

/** Slack mrkdwn: a raw `<` or `>` is only legal in Slack's own control sequences (<@U123>, <!here>, <https://…|text>). */
function mrkdwnProblems(text: string, where: string): string[] {
  const stripped = text.replace(/<(?:[@#!][^<>]*|https?:\/\/[^<>]*|mailto:[^<>]*)>/g, '');
  return /[<>]/.test(stripped) ? [`${where}: unescaped < or > in mrkdwn`] : [];
}

function slackText(value: unknown, where: string, max: number): string[] {
  if (!isObject(value)) return [`${where}: a text object is required`];
  const problems = unknownKeys(value, ['type', 'text', 'emoji', 'verbatim'], where);
  if (value.type !== 'mrkdwn' && value.type !== 'plain_text') problems.push(`${where}.type: must be mrkdwn or plain_text`);
  if (!isString(value.text, 1, max)) problems.push(`${where}.text: 1..${max} characters`);
  else if (value.type === 'mrkdwn') problems.push(...mrkdwnProblems(value.text, `${where}.text`));
  return problems;
}

/** https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks + Block Kit section/context blocks. */
export function validateSlackMessage(body: unknown): string[] {
  if (!isObject(body)) return ['body: a JSON object is required'];
  const problems = unknownKeys(body, ['text', 'blocks', 'attachments', 'mrkdwn', 'unfurl_links', 'unfurl_media', 'thread_ts'], 'body');
  const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
  if (!isString(body.text, 1, 40_000) && !hasBlocks) problems.push('body: text or blocks is required (no_text)');
  if (body.text !== undefined && !isString(body.text, 1, 40_000)) problems.push('text: a non-empty string');
  else if (typeof body.text === 'string' && body.mrkdwn !== false) problems.push(...mrkdwnProblems(body.text, 'text'));
  if (body.blocks === undefined) return problems;
  if (!Array.isArray(body.blocks) || body.blocks.length > 50) return [...problems, 'blocks: an array of at most 50 blocks'];
  body.blocks.forEach((block: unknown, index) => {
    const where = `blocks[${index}]`;
    if (!isObject(block)) return problems.push(`${where}: an object`);
    if (block.block_id !== undefined && !isString(block.block_id, 1, 255)) problems.push(`${where}.block_id: 1..255 characters`);
    if (block.type === 'section') {
      problems.push(...unknownKeys(block, ['type', 'text', 'fields', 'accessory', 'block_id', 'expand'], where));
      if (block.text === undefined && block.fields === undefined) problems.push(`${where}: text or fields is required`);
      if (block.text !== undefined) problems.push(...slackText(block.text, `${where}.text`, 3000));
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10) problems.push(`${where}.fields: at most 10`);
        else block.fields.forEach((field: unknown, i) => problems.push(...slackText(field, `${where}.fields[${i}]`, 2000)));
      }
    } else if (block.type === 'context') {
      problems.push(...unknownKeys(block, ['type', 'elements', 'block_id'], where));
      if (!Array.isArray(block.elements) || block.elements.length < 1 || block.elements.length > 10) problems.push(`${where}.elements: 1..10 elements`);
      else block.elements.forEach((element: unknown, i) => problems.push(...slackText(element, `${where}.elements[${i}]`, 3000)));
    } else if (!['header', 'divider', 'actions', 'image', 'rich_text'].includes(String(block.type))) {
      problems.push(`${where}.type: unknown block type ${String(block.type)}`);
    }
    return undefined;
  });
  return problems;
}

const adaptiveElementTypes = ['TextBlock', 'FactSet', 'ColumnSet', 'Container', 'Image', 'ImageSet', 'ActionSet', 'RichTextBlock', 'Table'];
const colors = ['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention'];

/** A Workflows webhook message carrying an Adaptive Card (https://adaptivecards.io/explorer/AdaptiveCard.html). */
export function validateTeamsMessage(body: unknown, versions: readonly string[] = ['1.4', '1.5']): string[] {
  if (!isObject(body)) return ['body: a JSON object is required'];
  const problems: string[] = [];
  if (body.type !== 'message') problems.push('type: must be "message"');
  if (!Array.isArray(body.attachments) || body.attachments.length === 0) return [...problems, 'attachments: at least one is required'];
  body.attachments.forEach((attachment: unknown, index) => {
    const where = `attachments[${index}]`;
    if (!isObject(attachment)) return problems.push(`${where}: an object`);
    if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive') problems.push(`${where}.contentType: must be application/vnd.microsoft.card.adaptive`);
    const card = attachment.content;
    if (!isObject(card)) return problems.push(`${where}.content: the card object is required`);
    if (card.type !== 'AdaptiveCard') problems.push(`${where}.content.type: must be AdaptiveCard`);
    if (!versions.includes(String(card.version))) problems.push(`${where}.content.version: must be one of ${versions.join(', ')}`);
    if (card.$schema !== undefined && !isString(card.$schema)) problems.push(`${where}.content.$schema: a string`);
    if (!Array.isArray(card.body) || card.body.length === 0) return problems.push(`${where}.content.body: at least one element`);
    card.body.forEach((element: unknown, i) => {
      const at = `${where}.content.body[${i}]`;
      if (!isObject(element)) return problems.push(`${at}: an object`);
      if (!adaptiveElementTypes.includes(String(element.type))) problems.push(`${at}.type: unknown element ${String(element.type)}`);
      if (element.type === 'TextBlock' && !isString(element.text)) problems.push(`${at}.text: required`);
      if (element.color !== undefined && !colors.includes(String(element.color))) problems.push(`${at}.color: one of ${colors.join(', ')}`);
      if (element.type === 'FactSet') {
        if (!Array.isArray(element.facts) || element.facts.length === 0) problems.push(`${at}.facts: required`);
        else
          element.facts.forEach((fact: unknown, f) => {
            if (!isObject(fact) || !isString(fact.title) || !isString(fact.value)) problems.push(`${at}.facts[${f}]: title and value are required strings`);
          });
      }
      return undefined;
    });
    return undefined;
  });
  return problems;
}

/** https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ */
export function validatePagerdutyEvent(body: unknown): string[] {
  if (!isObject(body)) return ['body: a JSON object is required'];
  const problems = unknownKeys(body, ['routing_key', 'event_action', 'dedup_key', 'payload', 'images', 'links', 'client', 'client_url'], 'body');
  if (!isString(body.routing_key, 32, 32)) problems.push('routing_key: the 32-character integration key is required');
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(body.event_action))) problems.push('event_action: trigger, acknowledge or resolve');
  if (body.dedup_key !== undefined && !isString(body.dedup_key, 1, 255)) problems.push('dedup_key: 1..255 characters');
  if (body.event_action !== 'trigger' && body.dedup_key === undefined) problems.push('dedup_key: required to acknowledge or resolve');
  if (body.event_action !== 'trigger') return problems;
  const payload = body.payload;
  if (!isObject(payload)) return [...problems, 'payload: required for a trigger'];
  problems.push(...unknownKeys(payload, ['summary', 'source', 'severity', 'timestamp', 'component', 'group', 'class', 'custom_details'], 'payload'));
  if (!isString(payload.summary, 1, 1024)) problems.push('payload.summary: 1..1024 characters');
  if (!isString(payload.source)) problems.push('payload.source: required');
  if (!['critical', 'error', 'warning', 'info'].includes(String(payload.severity))) problems.push('payload.severity: critical, error, warning or info');
  if (payload.timestamp !== undefined && (typeof payload.timestamp !== 'string' || Number.isNaN(Date.parse(payload.timestamp)))) problems.push('payload.timestamp: ISO 8601');
  for (const key of ['component', 'group', 'class'] as const) if (payload[key] !== undefined && !isString(payload[key])) problems.push(`payload.${key}: a string`);
  if (payload.custom_details !== undefined && !isObject(payload.custom_details)) problems.push('payload.custom_details: an object');
  return problems;
}

const incidentStatuses = ['investigating', 'identified', 'monitoring', 'resolved', 'scheduled', 'in_progress', 'verifying', 'completed'];
const impacts = ['none', 'maintenance', 'minor', 'major', 'critical'];
const componentStatuses = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'];

/** https://developer.statuspage.io/#operation/postPagesPageIdIncidents (create) and patchPagesPageIdIncidentsIncidentId (update). */
export function validateStatuspageIncident(body: unknown, create: boolean): string[] {
  if (!isObject(body) || !isObject(body.incident)) return ['body: { incident: {...} } is required'];
  const incident = body.incident;
  const problems = unknownKeys(body, ['incident'], 'body');
  problems.push(
    ...unknownKeys(
      incident,
      [
        'name',
        'status',
        'impact_override',
        'scheduled_for',
        'scheduled_until',
        'scheduled_remind_prior',
        'scheduled_auto_in_progress',
        'scheduled_auto_completed',
        'metadata',
        'deliver_notifications',
        'auto_tweet_at_beginning',
        'auto_tweet_on_completion',
        'auto_tweet_on_creation',
        'auto_tweet_one_hour_before',
        'backfill_date',
        'backfilled',
        'body',
        'components',
        'component_ids',
        'scheduled_auto_transition',
      ],
      'incident',
    ),
  );
  if (create && !isString(incident.name, 1, 255)) problems.push('incident.name: required');
  if (incident.status !== undefined && !incidentStatuses.includes(String(incident.status))) problems.push(`incident.status: one of ${incidentStatuses.join(', ')}`);
  if (incident.impact_override !== undefined && !impacts.includes(String(incident.impact_override))) problems.push(`incident.impact_override: one of ${impacts.join(', ')}`);
  if (incident.body !== undefined && typeof incident.body !== 'string') problems.push('incident.body: a string');
  if (incident.deliver_notifications !== undefined && typeof incident.deliver_notifications !== 'boolean') problems.push('incident.deliver_notifications: a boolean');
  if (incident.component_ids !== undefined && (!Array.isArray(incident.component_ids) || !incident.component_ids.every((id) => isString(id))))
    problems.push('incident.component_ids: an array of ids');
  if (incident.components !== undefined) {
    if (!isObject(incident.components)) problems.push('incident.components: an object of component id → status');
    else
      for (const [id, status] of Object.entries(incident.components))
        if (!componentStatuses.includes(String(status))) problems.push(`incident.components.${id}: one of ${componentStatuses.join(', ')}`);
  }
  if (incident.metadata !== undefined && (!isObject(incident.metadata) || !Object.values(incident.metadata).every(isObject)))
    problems.push('incident.metadata: top-level values must be objects');
  return problems;
}

/** The harness's own webhook body. */
export function validateWebhookPayload(body: unknown): string[] {
  if (!isObject(body)) return ['body: a JSON object is required'];
  const problems = unknownKeys(body, ['event', 'runId', 'environment', 'testId', 'message', 'at', 'data'], 'body');
  for (const key of ['event', 'runId', 'environment', 'testId', 'message', 'at'] as const) if (!isString(body[key])) problems.push(`${key}: a non-empty string`);
  if (typeof body.at === 'string' && Number.isNaN(Date.parse(body.at))) problems.push('at: ISO 8601');
  if (!('data' in body)) problems.push('data: present (null when there is none)');
  return problems;
}

/**
 * Verifies `x-drill-signature` the way docs/notifications.md tells a receiver to: HMAC-SHA256 of
 * `<timestamp>.<raw body>` with the shared secret, compared in constant time, and a timestamp no
 * older (nor newer) than `toleranceSeconds`.
 */
export function verifyWebhookSignature(
  headers: IncomingHttpHeaders,
  rawBody: string,
  secret: string,
  options: { header?: string; timestampHeader?: string; toleranceSeconds?: number; nowSeconds?: number } = {},
): string[] {
  const { header = 'x-drill-signature', timestampHeader = 'x-drill-timestamp', toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) } = options;
  const timestamp = headers[timestampHeader];
  const signature = headers[header];
  if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return [`${timestampHeader}: missing or not unix seconds`];
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return [`${timestampHeader}: outside ±${toleranceSeconds} s (a replay?)`];
  if (typeof signature !== 'string' || !signature.startsWith('sha256=')) return [`${header}: missing or not sha256=<hex>`];
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex'));
  const given = Buffer.from(signature.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected) ? [] : [`${header}: does not match the body`];
}
