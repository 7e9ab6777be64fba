import { errorMessage } from '../errors.ts';
import type { StartedDeployment } from '../targets/target.ts';
import { waitFor } from '../util/wait-for.ts';
import type { PipelineRun } from './world.ts';

export interface RunProtocol {
  triggerPath: string;
  statusPath: string;
  timeoutMs: number;
}

/**
 * Triggers one pipeline run over HTTP and polls its status until it is no longer running:
 * POST <triggerPath> → { runId }; GET <statusPath with {runId}> → { status }. Fails early if the
 * service exits meanwhile.
 */
export async function triggerRun(service: StartedDeployment, protocol: RunProtocol, signal?: AbortSignal): Promise<PipelineRun> {
  const triggeredAt = Date.now();
  const triggerUrl = service.baseUrl + protocol.triggerPath;
  const response = await fetch(triggerUrl, { method: 'POST', signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
    throw new Error(`${service.name}: POST ${triggerUrl} failed: ${errorMessage(error)}`);
  });
  const started = (await response.json().catch(() => ({}))) as { runId?: unknown };
  if (!response.ok || typeof started.runId !== 'string') {
    throw new Error(`${service.name}: POST ${triggerUrl} → ${response.status} without a runId (${JSON.stringify(started)})`);
  }
  const runId = started.runId;
  const statusUrl = service.baseUrl + protocol.statusPath.replace('{runId}', encodeURIComponent(runId));
  let exit: string | undefined;
  void service.exited.then((e) => (exit = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.exitCode}`));
  let last = 'no answer yet';
  const body = await waitFor(
    async () => {
      if (exit) throw new Error(`${service.name} ${exit} during run ${runId}; last log lines:\n${service.logs(15).join('\n')}`);
      const status = await fetch(statusUrl, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      if (!status) return undefined;
      const json = (await status.json().catch(() => ({}))) as Record<string, unknown>;
      last = `${status.status} ${String(json['status'])}`;
      return status.ok && json['status'] !== 'running' ? json : undefined;
    },
    { what: `${service.name} run ${runId} not finished`, timeoutMs: protocol.timeoutMs, intervalMs: 50, signal, lastSeen: () => `GET ${statusUrl} → ${last}` },
  );
  return { runId, status: String(body['status']), triggeredAt, durationMs: Date.now() - triggeredAt, body };
}
