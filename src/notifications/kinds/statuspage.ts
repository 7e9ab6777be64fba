import { z } from 'zod';
import { defineNotificationChannel, envVar, literalSecret, unavailableChannel, type NotificationEvent, type NotificationMessage } from '../channel-plugin.ts';
import { httpAttempt, jsonAnswer } from '../http-attempt.ts';

/*
 * Atlassian Statuspage, incidents API:
 *   https://developer.statuspage.io/#operation/postPagesPageIdIncidents   (create: 201 + the incident)
 *   https://developer.statuspage.io/#operation/patchPagesPageIdIncidentsIncidentId   (update: 200)
 *   https://developer.statuspage.io/#section/Authentication   (Authorization: OAuth <api key>)
 * Body { incident: { name, status, impact_override, body, component_ids, components: { <id>: <status> },
 * deliver_notifications, metadata } }. Realtime incident status: investigating | identified |
 * monitoring | resolved; impact_override: none | maintenance | minor | major | critical; component
 * status: operational | under_maintenance | degraded_performance | partial_outage | major_outage.
 * Rate limit 1 request/s per key, answered 420 or 429.
 */

const componentStatuses = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
const impacts = ['none', 'maintenance', 'minor', 'major', 'critical'] as const;
type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
type ComponentStatus = (typeof componentStatuses)[number];

export const statuspageFields = z
  .strictObject({
    pageId: z
      .string()
      .regex(/^[A-Za-z0-9]+$/, 'a Statuspage page id is letters and digits')
      .describe('The Statuspage page the incident is opened on.'),
    apiKeyEnv: envVar().describe('Name of the environment variable holding the API key (sent as `Authorization: OAuth <key>`).'),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('https://api.statuspage.io/v1')
      .describe('The Statuspage API; only tests change it.'),
    componentIds: z
      .array(z.string().regex(/^[A-Za-z0-9]+$/, 'a Statuspage component id is letters and digits'))
      .default([])
      .describe('Components the rollback affects: put into `componentStatus` while it runs, back to operational when verified.'),
    componentStatus: z.enum(componentStatuses).default('under_maintenance').describe('What the components show while the rollback runs.'),
    failedComponentStatus: z.enum(componentStatuses).default('major_outage').describe('What the components show when the rollback failed.'),
    impact: z.enum(impacts).default('maintenance').describe("The incident's `impact_override`."),
    incidentName: z.string().min(1).max(255).optional().describe("The incident's title; `<environment>: pipeline rollback to V1` by default."),
    deliverNotifications: z.boolean().default(false).describe("Email/SMS the page's subscribers. Off by default: a drill should not page customers unless you say so."),
    apiKey: literalSecret('a Statuspage API key', 'apiKeyEnv'),
  })
  .describe('Opens, updates and resolves one status-page incident per run.');

type StatuspageConfig = z.output<typeof statuspageFields>;

export interface StatuspageIncidentBody {
  incident: {
    name?: string;
    status: IncidentStatus;
    impact_override?: (typeof impacts)[number];
    body: string;
    component_ids?: string[];
    components?: Record<string, ComponentStatus>;
    deliver_notifications: boolean;
    metadata?: Record<string, Record<string, string>>;
  };
}

/** What the channel knows of one run's incident between events. */
export interface IncidentState {
  id?: string;
  failed: boolean;
}

export type IncidentStep =
  | { kind: 'create'; body: StatuspageIncidentBody; resolves: false }
  | { kind: 'update'; id: string; body: StatuspageIncidentBody; resolves: boolean }
  | { kind: 'skip'; detail: string };

const opening = new Set<NotificationEvent>(['rollback-initiated', 'maintenance-on']);

/**
 * Which request an event makes, given the run's incident so far: the first of rollback-initiated /
 * maintenance-on opens it; progress events update it; verified (or maintenance-off, whichever comes
 * first) resolves it and puts the components back to operational. A failed rollback's incident stays
 * open — marked major, components in `failedComponentStatus` — for people to close.
 */
export function incidentStep(message: NotificationMessage, state: IncidentState, config: StatuspageConfig): IncidentStep {
  const components = (status: ComponentStatus) => (config.componentIds.length ? { components: Object.fromEntries(config.componentIds.map((id) => [id, status])) } : {});
  const common = { body: message.message, deliver_notifications: config.deliverNotifications };
  const failing = message.event === 'rollback-failed';
  if (!state.id) {
    if (!opening.has(message.event) && !failing) return { kind: 'skip', detail: `no open incident for run ${message.runId}: nothing to update` };
    return {
      kind: 'create',
      resolves: false,
      body: {
        incident: {
          name: config.incidentName ?? `${message.environment}: pipeline rollback to V1`,
          status: 'identified',
          impact_override: failing ? 'major' : config.impact,
          ...common,
          ...(config.componentIds.length ? { component_ids: config.componentIds } : {}),
          ...components(failing ? config.failedComponentStatus : config.componentStatus),
          metadata: { rollback_drill: { run_id: message.runId, test_id: message.testId, environment: message.environment } },
        },
      },
    };
  }
  const id = state.id;
  if (failing)
    return { kind: 'update', id, resolves: false, body: { incident: { status: 'identified', impact_override: 'major', ...common, ...components(config.failedComponentStatus) } } };
  const closing = message.event === 'rollback-verified' || message.event === 'maintenance-off';
  if (closing && !state.failed) return { kind: 'update', id, resolves: true, body: { incident: { status: 'resolved', ...common, ...components('operational') } } };
  const status: IncidentStatus = message.event === 'v1-healthy' ? 'monitoring' : 'identified';
  return { kind: 'update', id, resolves: false, body: { incident: { status, ...common } } };
}

export const statuspageChannel = defineNotificationChannel({
  kind: 'statuspage',
  schema: statuspageFields,
  defaultEvents: ['rollback-initiated', 'maintenance-on', 'rollback-verified', 'rollback-failed', 'maintenance-off'],
  create(config, context) {
    const base = config.baseUrl.replace(/\/+$/, '');
    const description = `statuspage '${config.name}' (${new URL(base).origin}, page ${config.pageId})`;
    const apiKey = context.secret(config.apiKeyEnv);
    if (!apiKey) return unavailableChannel(description, `environment variable ${config.apiKeyEnv} (its apiKeyEnv) is not set; nothing sent`);
    const incidents = `${base}/pages/${encodeURIComponent(config.pageId)}/incidents`;
    const runs = new Map<string, IncidentState>();
    return {
      description,
      async attempt(message, attempt) {
        const state = runs.get(message.runId) ?? { failed: false };
        runs.set(message.runId, state);
        if (message.event === 'rollback-failed') state.failed = true;
        const step = incidentStep(message, state, config);
        if (step.kind === 'skip') return { ok: true, detail: step.detail };
        const url = step.kind === 'create' ? incidents : `${incidents}/${encodeURIComponent(step.id)}`;
        const headers = { 'content-type': 'application/json', authorization: `OAuth ${apiKey}` };
        return httpAttempt(context.fetch, { method: step.kind === 'create' ? 'POST' : 'PATCH', url, headers, body: JSON.stringify(step.body) }, attempt.signal, (answer) => {
          const id = jsonAnswer(answer.text)?.['id'];
          if (step.kind === 'create') {
            if (typeof id !== 'string' || id === '') return { ok: false, retryable: false, status: answer.status, error: `answered ${answer.status} without an incident id` };
            state.id = id;
            return { ok: true, status: answer.status, detail: `incident ${id} opened` };
          }
          if (step.resolves) state.id = undefined;
          return { ok: true, status: answer.status, detail: `incident ${step.id} ${step.resolves ? 'resolved' : `updated (${step.body.incident.status})`}` };
        });
      },
    };
  },
});
