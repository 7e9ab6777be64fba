import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validatePagerdutyEvent, validateSlackMessage, validateStatuspageIncident, validateTeamsMessage, validateWebhookPayload, verifyWebhookSignature } from './validators.ts';

/*
 * Real HTTP servers on loopback that stand in for each service: they validate every payload
 * against the service's documented shape (validators.ts) and answer as the service does — Slack
 * `200 ok`, PagerDuty `202 { dedup_key }`, Statuspage `201 { id }` … — or refuse it with a 400
 * and record why. Optional misbehaviour proves the retries: a 429 with Retry-After once, a 5xx once,
 * or no answer at all.
 */

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  json: unknown;
  /** performance.now() at arrival. */
  at: number;
  /** Why the payload was refused; empty when it was valid. */
  problems: string[];
  status: number | 'no answer';
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Misbehaviour {
  /** Answer the first request 429 with this Retry-After (seconds), as a rate-limited service does. */
  throttleFirst?: number;
  /** Answer the first request with this status (a 5xx, to prove it is retried; a 4xx, to prove it is not). */
  failFirst?: number;
  /** Never answer (the service that accepts connections and hangs). */
  hang?: boolean;
}

export interface Receiver {
  /** http://127.0.0.1:<port> */
  origin: string;
  requests: ReceivedRequest[];
  /** Requests whose payload was refused as invalid (should stay empty). */
  invalid(): ReceivedRequest[];
  close(): Promise<void>;
}

type Handler = (request: Omit<ReceivedRequest, 'problems' | 'status'>) => { answer: Answer; problems?: string[] };

async function startReceiver(handler: Handler, misbehaviour: Misbehaviour = {}): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = raw ? JSON.parse(raw) : undefined;
      } catch {
        json = undefined;
      }
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json, at: performance.now() };
      const first = requests.length === 0;
      if (misbehaviour.hang) {
        requests.push({ ...request, problems: [], status: 'no answer' });
        return;
      }
      let answer: Answer;
      let problems: string[] = [];
      if (first && misbehaviour.throttleFirst !== undefined) answer = { status: 429, headers: { 'retry-after': String(misbehaviour.throttleFirst) }, body: 'rate_limited' };
      else if (first && misbehaviour.failFirst !== undefined) answer = { status: misbehaviour.failFirst, body: 'temporarily unavailable' };
      else if (req.headers['content-type']?.split(';')[0] !== 'application/json' || json === undefined) {
        answer = { status: 400, body: 'invalid_payload' };
        problems = ['content-type must be application/json with a JSON body'];
      } else {
        ({ answer, problems = [] } = handler(request));
      }
      requests.push({ ...request, problems, status: answer.status });
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    invalid: () => requests.filter((r) => r.problems.length > 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Slack incoming webhook: 200 "ok", or 400 with Slack's reason. */
export async function slackReceiver(misbehaviour?: Misbehaviour) {
  const receiver = await startReceiver((request) => {
    const problems = validateSlackMessage(request.json);
    return {
      problems,
      answer: problems.length
        ? { status: 400, headers: { 'content-type': 'text/plain' }, body: 'invalid_blocks' }
        : { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' },
    };
  }, misbehaviour);
  // The shape of a real incoming-webhook URL: the path is the credential.
  return { ...receiver, url: `${receiver.origin}/services/T0DRILL01/B0DRILL02/${randomBytes(12).toString('hex')}` };
}

/** Teams Workflows trigger: 202 Accepted, or 400 when the card is not one Teams can render. */
export async function teamsReceiver(misbehaviour?: Misbehaviour) {
  const receiver = await startReceiver((request) => {
    const problems = validateTeamsMessage(request.json);
    return {
      problems,
      answer: problems.length
        ? { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'InvalidRequestContent', message: problems.join('; ') } }) }
        : { status: 202 },
    };
  }, misbehaviour);
  const sig = randomBytes(16).toString('base64url');
  return { ...receiver, url: `${receiver.origin}/workflows/0d1e/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`, sig };
}

/** PagerDuty Events API v2: 202 { status, message, dedup_key }; it also tracks each alert's state. */
export async function pagerdutyReceiver(misbehaviour?: Misbehaviour) {
  const alerts = new Map<string, 'triggered' | 'resolved'>();
  const receiver = await startReceiver((request) => {
    const problems = request.path === '/v2/enqueue' && request.method === 'POST' ? validatePagerdutyEvent(request.json) : [`no such endpoint ${request.method} ${request.path}`];
    if (problems.length)
      return {
        problems,
        answer: {
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: problems }),
        },
      };
    const event = request.json as { event_action: string; dedup_key?: string };
    const key = event.dedup_key ?? randomBytes(16).toString('hex');
    if (event.event_action === 'trigger') alerts.set(key, 'triggered');
    // PagerDuty drops a resolve whose key has no open alert; it still answers 202.
    if (event.event_action === 'resolve' && alerts.get(key) === 'triggered') alerts.set(key, 'resolved');
    return { answer: { status: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: key }) } };
  }, misbehaviour);
  return { ...receiver, url: `${receiver.origin}/v2/enqueue`, alerts };
}

export interface StoredIncident {
  id: string;
  name: string;
  status: string;
  impact: string;
  components: Record<string, string>;
  updates: Array<{ status: string; body: string }>;
}

/** Statuspage incidents API for one page and one API key: 201/200 with the incident, 401, 404. */
export async function statuspageReceiver(pageId: string, apiKey: string, misbehaviour?: Misbehaviour) {
  const incidents = new Map<string, StoredIncident>();
  const collection = `/v1/pages/${pageId}/incidents`;
  const json = (status: number, body: unknown): Answer => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const receiver = await startReceiver((request) => {
    if (request.headers.authorization !== `OAuth ${apiKey}`)
      return { problems: ['authorization: OAuth <api key> expected'], answer: json(401, { error: 'Could not authenticate' }) };
    const create = request.method === 'POST' && request.path === collection;
    const match = request.method === 'PATCH' ? new RegExp(`^${collection}/([a-z0-9]+)$`).exec(request.path) : null;
    if (!create && !match) return { problems: [`no such endpoint ${request.method} ${request.path}`], answer: json(404, { error: 'Not found' }) };
    const problems = validateStatuspageIncident(request.json, create);
    if (problems.length) return { problems, answer: json(422, { error: problems }) };
    const fields = (request.json as { incident: { name?: string; status?: string; impact_override?: string; body?: string; components?: Record<string, string> } }).incident;
    let incident: StoredIncident;
    if (create) {
      incident = {
        id: randomBytes(6).toString('hex'),
        name: fields.name!,
        status: fields.status ?? 'investigating',
        impact: fields.impact_override ?? 'none',
        components: {},
        updates: [],
      };
      incidents.set(incident.id, incident);
    } else {
      const found = incidents.get(match![1]!);
      if (!found) return { problems: [`no incident ${match![1]}`], answer: json(404, { error: 'Not found' }) };
      incident = found;
    }
    incident.status = fields.status ?? incident.status;
    incident.impact = fields.impact_override ?? incident.impact;
    Object.assign(incident.components, fields.components ?? {});
    incident.updates.push({ status: incident.status, body: fields.body ?? '' });
    return { answer: json(create ? 201 : 200, { ...incident, page_id: pageId, shortlink: `https://stspg.io/${incident.id}` }) };
  }, misbehaviour);
  return { ...receiver, baseUrl: `${receiver.origin}/v1`, incidents };
}

/** A receiver of the harness's own webhook that checks the bearer token and verifies the HMAC signature. */
export async function webhookReceiver(options: { secret?: string; token?: string } = {}, misbehaviour?: Misbehaviour) {
  const receiver = await startReceiver((request) => {
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`)
      return { problems: ['authorization: bearer token expected'], answer: { status: 401 } };
    if (options.secret !== undefined) {
      const problems = verifyWebhookSignature(request.headers, request.raw, options.secret);
      if (problems.length) return { problems, answer: { status: 401, body: problems.join('; ') } };
    }
    const problems = validateWebhookPayload(request.json);
    return { problems, answer: { status: problems.length ? 400 : 204 } };
  }, misbehaviour);
  return { ...receiver, url: `${receiver.origin}/hooks/drill` };
}
