import { z } from 'zod';
import type { DeliveryPolicy, NotificationEvent } from './channel-plugin.ts';
import { type deliveryOverrideSchema, deliveryPolicySchema } from './delivery.ts';
import { builtInChannelKinds, channelSchemaOf, defaultChannelRegistry, type BuiltInChannelKind, type ChannelConfig, type ChannelRegistry } from './registry.ts';

export { notificationEvents, type NotificationEvent } from './channel-plugin.ts';

/**
 * Round 1's `webhooks: [...]` still works: each entry is a channel of kind `webhook` (its
 * `timeoutMs` is the delivery's `attemptTimeoutMs`), validated by the same schema, secrets rules included.
 */
const legacyWebhookSchema = channelSchemaOf(builtInChannelKinds.webhook)
  .safeExtend({
    kind: z.literal('webhook').default('webhook'),
    timeoutMs: z.number().int().positive().optional().describe("One attempt's limit: the channel's `delivery.attemptTimeoutMs`."),
  })
  .transform(({ timeoutMs, ...webhook }): ChannelConfig => {
    const delivery = { ...(webhook['delivery'] as object | undefined), ...(timeoutMs === undefined ? {} : { attemptTimeoutMs: timeoutMs }) };
    return { ...webhook, ...(Object.keys(delivery).length ? { delivery } : {}) } as ChannelConfig;
  });

export interface NotificationsConfig {
  channels: ChannelConfig[];
  /** Defaults for every channel's deliveries; a channel's own `delivery` overrides them field by field. */
  delivery: DeliveryPolicy;
}

/** `notifications` of an environment, with the channels of the kinds `registry` knows. */
export function notificationsSchemaFor(registry: ChannelRegistry) {
  const schema = z
    .strictObject({
      channels: z.array(registry.channelSchema).default([]).describe('Where notices go: one entry per channel, each of a kind with its own fields.'),
      webhooks: z.array(legacyWebhookSchema).default([]).describe("Round 1's form: the same as channels of kind `webhook` (`timeoutMs` is `delivery.attemptTimeoutMs`)."),
      delivery: deliveryPolicySchema,
    })
    .superRefine(({ channels, webhooks }, ctx) => {
      const seen = new Set<string>();
      const check = (list: ChannelConfig[], key: string) =>
        list.forEach((channel, index) => {
          if (seen.has(channel.name)) ctx.addIssue({ code: 'custom', message: `duplicate channel name '${channel.name}'`, path: [key, index, 'name'] });
          seen.add(channel.name);
        });
      check(channels, 'channels');
      check(webhooks, 'webhooks');
    })
    .transform(({ channels, webhooks, delivery }): NotificationsConfig => ({ channels: [...channels, ...webhooks], delivery }));
  // Typed by hand: the channel union is built at run time from the registry, so zod cannot infer
  // the input; the built-in kinds' input types give drill.config.ts completion all the same.
  // An environment without a `notifications` key notifies nobody, rather than failing validation.
  return (schema as unknown as z.ZodType<NotificationsConfig, NotificationsInput>).prefault({});
}

export const notificationsSchema = notificationsSchemaFor(defaultChannelRegistry);

type CommonInput<K extends string> = { kind: K; name: string; events?: NotificationEvent[]; delivery?: z.input<typeof deliveryOverrideSchema> };
/** A built-in channel as written in drill.config.ts: editors complete each kind's own fields. */
export type BuiltInChannelInput = { [K in BuiltInChannelKind]: CommonInput<K> & z.input<(typeof builtInChannelKinds)[K]['schema']> }[BuiltInChannelKind];

export interface NotificationsInput {
  channels?: BuiltInChannelInput[];
  /** Round 1's form: the same as channels of kind `webhook` (`timeoutMs` is `delivery.attemptTimeoutMs`). */
  webhooks?: Array<Omit<Extract<BuiltInChannelInput, { kind: 'webhook' }>, 'kind'> & { kind?: 'webhook'; timeoutMs?: number }>;
  delivery?: z.input<typeof deliveryPolicySchema>;
}
