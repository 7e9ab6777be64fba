import { z } from 'zod';
import { HarnessError } from '../errors.ts';
import { notificationEvents, type ChannelCommon, type NotificationChannelPlugin } from './channel-plugin.ts';
import { deliveryOverrideSchema } from './delivery.ts';
import { emailChannel } from './kinds/email.ts';
import { pagerdutyChannel } from './kinds/pagerduty.ts';
import { slackChannel } from './kinds/slack.ts';
import { statuspageChannel } from './kinds/statuspage.ts';
import { teamsChannel } from './kinds/teams.ts';
import { webhookChannel } from './kinds/webhook.ts';

/** The kinds the harness ships; a user's drill.config.ts may add its own `NotificationChannelPlugin`. */
export const builtInChannelKinds = {
  slack: slackChannel,
  teams: teamsChannel,
  pagerduty: pagerdutyChannel,
  email: emailChannel,
  webhook: webhookChannel,
  statuspage: statuspageChannel,
} as const;

export type BuiltInChannelKind = keyof typeof builtInChannelKinds;

// Any plug-in, whatever its own fields: the registry hands each its own config.
// biome-ignore lint/suspicious/noExplicitAny: a registry holds channels of every options type; each parses its own
export type AnyChannelPlugin = NotificationChannelPlugin<any>;

/** A channel's config as parsed: the common fields plus its kind's own. */
export type ChannelConfig = ChannelCommon & Record<string, unknown>;

export interface ChannelRegistry {
  readonly kinds: readonly string[];
  get(kind: string): AnyChannelPlugin | undefined;
  /** One entry of `notifications.channels`, validated by the schema of the kind it names. */
  readonly channelSchema: z.ZodType<ChannelConfig>;
}

const reserved = ['kind', 'name', 'events', 'delivery'];

/** The full schema of one kind's channel: its own fields plus the common ones. */
export function channelSchemaOf(plugin: AnyChannelPlugin): z.ZodObject {
  const allowed = plugin.events ?? notificationEvents;
  const defaults = plugin.defaultEvents ?? allowed;
  const extended = plugin.schema.safeExtend({
    kind: z.literal(plugin.kind),
    name: z.string().min(1).max(100).describe("Names the channel in results and messages (its URL may be a secret, e.g. Slack's)."),
    events: z
      .array(z.enum(allowed as [string, ...string[]], { error: `not an event a ${plugin.kind} channel delivers (one of: ${allowed.join(', ')})` }))
      .min(1, 'list at least one event, or omit `events` for the defaults')
      .default([...defaults])
      .describe("Events this channel receives; the kind's defaults when omitted."),
    delivery: deliveryOverrideSchema.optional().describe("Retries of this channel's deliveries, over `notifications.delivery`."),
  });
  // The kind's own description (its schema's) names what it does in the JSON Schema and the config reference.
  return plugin.schema.description ? extended.describe(plugin.schema.description) : extended;
}

/**
 * The kinds a run can use: built-in names and user plug-in objects, each kind once. The channel
 * schema is built from them, so a plug-in's channels are validated like a built-in's.
 */
export function createChannelRegistry(entries: ReadonlyArray<BuiltInChannelKind | AnyChannelPlugin> = Object.keys(builtInChannelKinds) as BuiltInChannelKind[]): ChannelRegistry {
  const plugins = new Map<string, AnyChannelPlugin>();
  for (const entry of entries) {
    const plugin = typeof entry === 'string' ? builtInChannelKinds[entry] : entry;
    if (!plugin) throw new HarnessError(`unknown built-in notification kind '${String(entry)}' (known: ${Object.keys(builtInChannelKinds).join(', ')})`);
    checkPlugin(plugin);
    if (plugins.has(plugin.kind)) throw new HarnessError(`notification kind '${plugin.kind}' is registered twice`);
    plugins.set(plugin.kind, plugin);
  }
  if (plugins.size === 0) throw new HarnessError('a notification registry needs at least one kind');
  const kinds = [...plugins.keys()];
  const schemas = [...plugins.values()].map(channelSchemaOf);
  const channelSchema = z.discriminatedUnion('kind', schemas as [z.ZodObject, ...z.ZodObject[]], {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
      return kind === undefined
        ? `say which kind of channel this is: kind is one of ${kinds.join(', ')}`
        : `unknown notification kind ${JSON.stringify(kind)} (known: ${kinds.join(', ')})`;
    },
  }) as unknown as z.ZodType<ChannelConfig>;
  return { kinds, get: (kind) => plugins.get(kind), channelSchema };
}

function checkPlugin(plugin: AnyChannelPlugin): void {
  const what = `notification plug-in '${String(plugin?.kind)}'`;
  if (typeof plugin?.kind !== 'string' || !/^[a-z][a-z0-9-]*$/.test(plugin.kind)) throw new HarnessError(`${what}: kind must be lower-case letters, digits and -`);
  if (!(plugin.schema instanceof z.ZodObject)) throw new HarnessError(`${what}: schema must be a zod object (z.strictObject({...}))`);
  const clash = reserved.filter((key) => key in plugin.schema.shape);
  if (clash.length) throw new HarnessError(`${what}: its schema must not declare ${clash.join(', ')} (the registry adds them)`);
  if (typeof plugin.create !== 'function') throw new HarnessError(`${what}: create must be a function`);
  const unknown = [...(plugin.events ?? []), ...(plugin.defaultEvents ?? [])].filter((event) => !(notificationEvents as readonly string[]).includes(event));
  if (unknown.length) throw new HarnessError(`${what}: unknown events ${unknown.join(', ')}`);
  const outside = (plugin.defaultEvents ?? []).filter((event) => plugin.events && !plugin.events.includes(event));
  if (outside.length) throw new HarnessError(`${what}: default events ${outside.join(', ')} are not among its events`);
}

export const defaultChannelRegistry = createChannelRegistry();
