import { connect } from 'node:net';
import type { HealthConfig } from '../config/service-schema.ts';
import { probeHealth } from '../targets/health.ts';
import type { StartedDeployment } from '../targets/target.ts';
import { waitFor } from '../util/wait-for.ts';
import { readJsonPath, snippet } from './json-path.ts';

/** One look at a version's health, of whichever kind its config names. */
export interface HealthProbe {
  ok: boolean;
  /** What was seen, for messages: `503 {"status":"starting"}`, `exit 1: schema behind`, `ECONNREFUSED`, `activating`. */
  seen: string;
  /** The HTTP answer's parsed body, for the verification's phases and the evidence. */
  body?: unknown;
  status?: number;
}

export interface Healthy {
  /** What was asked: `GET http://…/health`, `tcp 127.0.0.1:41234`, `node check.mjs`, `unit orders-v1.service`. */
  what: string;
  seen: string;
  body?: unknown;
  waitedMs: number;
}

/** The check's own name, for messages: what the harness asks the version. */
export function describeHealth(service: StartedDeployment, health: HealthConfig): string {
  switch (health.kind) {
    case 'http':
      return `GET ${service.baseUrl}${health.path}`;
    case 'tcp':
      return `tcp ${service.address.host}:${service.address.port}`;
    case 'command':
      return [health.command, ...health.args].join(' ');
    case 'systemd':
      return `the unit's ActiveState`;
  }
}

/** Asks once. Never throws: an unreachable service is an unhealthy answer. */
export async function probe(service: StartedDeployment, health: HealthConfig, fill: (value: string) => string = (v) => v): Promise<HealthProbe> {
  switch (health.kind) {
    case 'http': {
      const answer = await probeHealth(service.baseUrl + health.path);
      if (answer.status === undefined) return { ok: false, seen: answer.seen };
      const statusOk = health.statuses ? health.statuses.includes(answer.status) : answer.status >= 200 && answer.status < 300;
      const predicate = health.json ? jsonPredicate(answer.body, health.json) : { ok: true, seen: '' };
      const seen = statusOk && !predicate.ok ? `${answer.status}, ${predicate.seen}` : answer.seen;
      return { ok: statusOk && predicate.ok, seen, body: answer.body, status: answer.status };
    }
    case 'tcp':
      return tcpProbe(service.address.host, service.address.port);
    case 'command': {
      const result = await service.exec(fill(health.command), health.args.map(fill), {
        env: Object.fromEntries(Object.entries(health.env).map(([k, v]) => [k, fill(v)])),
        timeoutMs: health.probeTimeoutMs,
      });
      if (result.startError) return { ok: false, seen: `cannot run: ${result.startError}` };
      if (result.timedOut) return { ok: false, seen: `no answer within ${health.probeTimeoutMs} ms` };
      const output = snippet(`${result.stdout}\n${result.stderr}`, 120);
      return { ok: result.exitCode === 0, seen: `exit ${result.exitCode ?? result.signal}${output ? `: ${output}` : ''}` };
    }
    case 'systemd': {
      if (!service.unitState) return { ok: false, seen: 'this target has no systemd unit (a systemd health check needs the ssh-systemd target)' };
      const state = await service.unitState().catch((error: unknown) => `unknown (${error instanceof Error ? error.message : String(error)})`);
      return { ok: state === 'active', seen: state };
    }
  }
}

/**
 * Polls the health check until it passes. Fails at once, with the service's last log lines, if the
 * service exits meanwhile; fails at the deadline naming the check and the last answer.
 */
export async function waitHealthy(
  service: StartedDeployment,
  health: HealthConfig,
  options: { timeoutMs: number; signal?: AbortSignal; fill?: (value: string) => string },
): Promise<Healthy> {
  const what = describeHealth(service, health);
  const started = Date.now();
  let last: HealthProbe | undefined;
  let exit: string | undefined;
  void service.exited.then((e) => (exit = e.signal ? `killed by ${e.signal}` : `exited with code ${e.exitCode}`));
  return waitFor(
    async () => {
      if (exit) throw new Error(`${service.name} ${exit} before it was healthy (${what} → ${last?.seen ?? 'no answer yet'}); last log lines:\n${service.logs(15).join('\n')}`);
      last = await probe(service, health, options.fill);
      return last.ok ? { what, seen: last.seen, ...(last.body === undefined ? {} : { body: last.body }), waitedMs: Date.now() - started } : undefined;
    },
    // Every millisecond between V1 answering and the harness noticing is in the rollback window: a
    // 10 ms interval loses 5 ms on average, at one refused connection per probe until then. A command
    // check is a process per probe: 100 ms.
    {
      what: `${service.name} not healthy`,
      timeoutMs: options.timeoutMs,
      intervalMs: health.kind === 'command' ? 100 : 10,
      ...(options.signal ? { signal: options.signal } : {}),
      lastSeen: () => `${what} → ${last?.seen ?? 'no answer yet'}`,
    },
  );
}

function jsonPredicate(body: unknown, json: NonNullable<Extract<HealthConfig, { kind: 'http' }>['json']>): { ok: boolean; seen: string } {
  const value = readJsonPath(body, json.path);
  const ok = json.matches !== undefined ? typeof value !== 'object' && value !== undefined && new RegExp(json.matches).test(String(value)) : value === json.equals;
  return {
    ok,
    seen: `${json.path} = ${value === undefined ? 'absent' : snippet(JSON.stringify(value), 60)}, want ${json.matches !== undefined ? `/${json.matches}/` : JSON.stringify(json.equals)}`,
  };
}

function tcpProbe(host: string, port: number): Promise<HealthProbe> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: HealthProbe) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(2000, () => done({ ok: false, seen: 'no answer within 2000 ms' }));
    socket.once('connect', () => done({ ok: true, seen: 'connected' }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, seen: error.code ?? error.message }));
  });
}
