import { Redactor } from '../redaction/redactor.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import {
  unavailableChannel,
  type ChannelContext,
  type DeliveryPolicy,
  type FetchLike,
  type NotificationChannel,
  type NotificationEvent,
  type NotificationMessage,
} from './channel-plugin.ts';
import { deliver, realDeliveryDeps, type DeliveryDeps } from './delivery.ts';
import type { NotificationsConfig } from './notifications-schema.ts';
import { defaultChannelRegistry, type ChannelConfig, type ChannelRegistry } from './registry.ts';

export type { FetchLike } from './channel-plugin.ts';

/** What the harness says about a point of the rollback; `data` is any JSON-serialisable detail. */
export interface NotificationDetails {
  runId: string;
  environment: string;
  testId: string;
  message: string;
  data?: unknown;
}

/**
 * One delivery (all its attempts). `ok: false` is a warning for the journal: a broken chat
 * channel must never stop or fail a rollback, so nothing here throws.
 */
export interface NotificationResult {
  /** The channel's name (the field keeps its round-1 name: the journal's readers use it). */
  webhook: string;
  kind: string;
  event: NotificationEvent;
  ok: boolean;
  /** HTTP status, or the SMTP reply code, of the last attempt. */
  status?: number;
  error?: string;
  /** What the service answered that matters later: PagerDuty's dedup_key, the status-page incident id. */
  detail?: string;
  attempts: number;
  /** From the moment the event was raised to the end of its delivery. */
  durationMs: number;
}

export interface NotifierDeps {
  env?: Record<string, string | undefined>;
  fetchImpl?: FetchLike;
  clock?: () => number;
  /** Share the run's Redactor so secrets known elsewhere (DSN passwords) are masked here too. */
  redactor?: Redactor;
  /** The kinds channels may be of: the built-ins unless a config adds its own plug-ins. */
  registry?: ChannelRegistry;
  /** Folder of the config file, for a channel's relative paths (an email channel's caFile). */
  baseDir?: string;
  /** The waits between retries (and their jitter): replaced only by unit tests of the retry logic. */
  sleep?: DeliveryDeps['sleep'];
  random?: DeliveryDeps['random'];
}

export interface Notifier {
  /**
   * Delivers one event to every channel subscribed to it, in parallel across channels and in order
   * within one (so a status-page update never overtakes the incident's creation). Resolves when all
   * are delivered or given up; never rejects.
   */
  notify(event: NotificationEvent, details: NotificationDetails): Promise<NotificationResult[]>;
  /** Every result so far, in the order the deliveries ended. */
  results(): NotificationResult[];
}

interface OpenChannel {
  config: ChannelConfig;
  channel: NotificationChannel;
  policy: DeliveryPolicy;
  /** The channel's last delivery: the next one starts after it. */
  tail: Promise<unknown>;
}

export function createNotifier(config: Pick<NotificationsConfig, 'channels'> & Partial<Pick<NotificationsConfig, 'delivery'>>, deps: NotifierDeps = {}): Notifier {
  const { env = process.env, fetchImpl = fetch, clock = Date.now, redactor = new Redactor(), registry = defaultChannelRegistry, baseDir = process.cwd() } = deps;
  const deliveryDeps: DeliveryDeps = { clock, sleep: deps.sleep ?? realDeliveryDeps.sleep, random: deps.random ?? realDeliveryDeps.random };
  const defaults: DeliveryPolicy = config.delivery ?? { attempts: 3, attemptTimeoutMs: 5000, deadlineMs: 15_000, backoffMs: 500 };
  const context: ChannelContext = {
    // Every secret is registered before any request can fail and be described.
    secret: (variable) => {
      const value = env[variable];
      if (!value) return undefined;
      redactor.add(value);
      return value;
    },
    redactor,
    fetch: fetchImpl,
    clock,
    baseDir,
  };
  const channels: OpenChannel[] = config.channels.map((channelConfig) => ({
    config: channelConfig,
    channel: open(channelConfig),
    policy: { ...defaults, ...channelConfig.delivery },
    tail: Promise.resolve(),
  }));
  const all: NotificationResult[] = [];

  function open(channelConfig: ChannelConfig): NotificationChannel {
    const plugin = registry.get(channelConfig.kind);
    // The config was validated with a registry that knew this kind: a mismatch is a programming error.
    if (!plugin)
      throw new HarnessError(`notification channel '${channelConfig.name}': no kind '${channelConfig.kind}' in the notifier's registry (known: ${registry.kinds.join(', ')})`);
    try {
      return plugin.create(channelConfig, context);
    } catch (error) {
      return unavailableChannel(`${channelConfig.kind} '${channelConfig.name}'`, `cannot be opened: ${errorMessage(error)}`);
    }
  }

  function record(target: OpenChannel, event: NotificationEvent, outcome: Omit<NotificationResult, 'webhook' | 'kind' | 'event'>): NotificationResult {
    const result: NotificationResult = {
      webhook: target.config.name,
      kind: target.config.kind,
      event,
      ...outcome,
      ...(outcome.error === undefined ? {} : { error: redactor.redact(outcome.error) }),
      ...(outcome.detail === undefined ? {} : { detail: redactor.redact(outcome.detail) }),
    };
    all.push(result);
    return result;
  }

  function notify(event: NotificationEvent, details: NotificationDetails): Promise<NotificationResult[]> {
    const raisedAt = clock();
    const targets = channels.filter((target) => target.config.events.includes(event));
    let message: NotificationMessage;
    try {
      message = redactedMessage(event, details, new Date(raisedAt), redactor);
    } catch (error) {
      // Only reachable when the details cannot be serialised (a BigInt, a cycle): still a warning.
      const error_ = `${event} not sent: details are not JSON-serialisable (${errorMessage(error)})`;
      return Promise.resolve(targets.map((target) => record(target, event, { ok: false, error: error_, attempts: 0, durationMs: 0 })));
    }
    return Promise.all(
      targets.map((target) => {
        const delivery = target.tail.then(() => deliver(target.channel, message, target.policy, raisedAt, deliveryDeps));
        target.tail = delivery.catch(() => undefined);
        return delivery.then(
          (outcome) => record(target, event, outcome),
          // deliver() does not throw; should a plug-in break that, it is still a warning, never a crash.
          (error: unknown) =>
            record(target, event, { ok: false, error: `${target.channel.description} ${event}: ${errorMessage(error)}`, attempts: 0, durationMs: clock() - raisedAt }),
        );
      }),
    );
  }

  return { notify, results: () => [...all] };
}

/**
 * The message every kind renders. Every string in it goes through the Redactor: a message or a
 * detail that quotes a DSN must not carry its password to a chat channel or a mailbox.
 */
function redactedMessage(event: NotificationEvent, details: NotificationDetails, at: Date, redactor: Redactor): NotificationMessage {
  const text = JSON.stringify({ message: details.message, data: details.data ?? null }, (_key, value: unknown) => (typeof value === 'string' ? redactor.redact(value) : value));
  const { message, data } = JSON.parse(text) as { message: string; data: unknown };
  return { event, runId: details.runId, environment: details.environment, testId: details.testId, message, at: at.toISOString(), data };
}
