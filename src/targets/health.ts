import { errorMessage } from '../errors.ts';
import { waitFor } from '../util/wait-for.ts';
import type { StartedDeployment } from './target.ts';

export interface HealthOptions {
  path: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Healthy {
  url: string;
  status: number;
  body: unknown;
  waitedMs: number;
}

/**
 * Polls GET <baseUrl><path> until it answers 2xx. Fails at once, with the service's last log
 * lines, if the service exits meanwhile; fails at the deadline naming the URL and the last answer.
 */
export async function waitHealthy(service: StartedDeployment, options: HealthOptions): Promise<Healthy> {
  const url = service.baseUrl + options.path;
  const started = Date.now();
  let lastSeen = 'no answer yet';
  let exit: string | undefined;
  void service.exited.then((e) => (exit = e.signal ? `killed by ${e.signal}` : `exited with code ${e.exitCode}`));
  return waitFor(
    async () => {
      if (exit) throw new Error(`${service.name} ${exit} before it was healthy (GET ${url} → ${lastSeen}); last log lines:\n${service.logs(15).join('\n')}`);
      const probe = await probeHealth(url);
      lastSeen = probe.seen;
      if (probe.ok) return { url, status: probe.status!, body: probe.body, waitedMs: Date.now() - started };
      return undefined;
    },
    // Every millisecond between V1 answering and the harness noticing is in the rollback window: a
    // 10 ms interval loses 5 ms on average (50 ms lost 25), at a refused connection per probe until then.
    { what: `${service.name} not healthy`, timeoutMs: options.timeoutMs, intervalMs: 10, signal: options.signal, lastSeen: () => `GET ${url} → ${lastSeen}` },
  );
}

export async function probeHealth(url: string): Promise<{ ok: boolean; status?: number; body?: unknown; seen: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    // A failing answer's body usually says why ("db": {"reachable": false, …}): keep the start of it.
    const seen = response.ok ? String(response.status) : `${response.status} ${text.replace(/\s+/g, ' ').slice(0, 160)}`.trim();
    return { ok: response.ok, status: response.status, body, seen };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, seen: cause ?? errorMessage(error) };
  }
}
