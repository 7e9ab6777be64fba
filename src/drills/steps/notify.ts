import type { NotificationEvent } from '../../notifications/channel-plugin.ts';
import type { TestRecord } from '../../journal/journal-types.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import type { DrillWorld, TestState } from '../../runner/world.ts';

/**
 * Sends a notification without waiting for it: a slow chat channel (retrying up to its deadline)
 * must not lengthen the rollback. Deliveries are awaited when the test finishes; failures land in
 * the journal as warnings.
 */
export function sendNotification(world: DrillWorld, state: TestState, event: NotificationEvent, message: string, data?: unknown): void {
  state.notifications.push(
    world.notifier.notify(event, { runId: world.runId, environment: world.environmentName, testId: state.testId, message, ...(data === undefined ? {} : { data }) }),
  );
}

/** The runbook's Phase 2: on-call, #incidents, status page into maintenance. */
export function initiateRollback(world: DrillWorld, state: TestState, reason: string): StepDefinition {
  return {
    id: 'initiate-rollback',
    title: 'Initiate the rollback: notify stakeholders, status page into maintenance',
    phase: 'pre-rollback',
    async run(ctx) {
      sendNotification(world, state, 'rollback-initiated', `Rollback of ${world.environmentName} from V2 to V1 initiated: ${reason}`);
      sendNotification(world, state, 'maintenance-on', `${world.environmentName}: pipeline in maintenance during the rollback`);
      // Recorded under its round-1 key: the HTML report's timeline reads it.
      ctx.record(
        'webhooks',
        world.env.notifications.channels.map((c) => c.name),
      );
    },
  };
}

/** The journal warning for a delivery given up: the error names the channel's kind, name, origin and event. */
export function notificationWarning(result: NonNullable<TestRecord['notifications']>[number]): string {
  return `notification ${result.error ?? `${result.kind ?? 'channel'} '${result.webhook}' ${result.event}: answered ${result.status}`}`;
}
