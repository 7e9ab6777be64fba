import type { RunConfig } from '../config/service-schema.ts';
import { errorMessage } from '../errors.ts';
import { waitFor } from '../util/wait-for.ts';
import { readJsonPath, snippet } from './json-path.ts';
import type { RunContext, RunOutcome } from './run-types.ts';

type HttpAsync = Extract<RunConfig, { kind: 'http-async' }>;

/**
 * POST <triggerPath> → JSON with the run id at runIdField; then GET <statusPath> until the value at
 * statusField is no longer one of runningValues. Fails early if the service exits meanwhile.
 */
export async function runHttpAsync(config: HttpAsync, ctx: RunContext): Promise<RunOutcome> {
  const { service } = ctx;
  const { runId, detail } = await triggerHttpAsync(config, ctx);
  const statusUrl = service.baseUrl + config.statusPath.replace('{runId}', encodeURIComponent(runId));
  let exit: string | undefined;
  void service.exited.then((e) => (exit = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.exitCode}`));
  let last = 'no answer yet';
  const body = await waitFor(
    async () => {
      if (exit) throw new Error(`${service.name} ${exit} during run ${runId}; last log lines:\n${service.logs(15).join('\n')}`);
      const answer = await fetch(statusUrl, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      if (!answer) return undefined;
      const json = (await answer.json().catch(() => ({}))) as unknown;
      const status = readJsonPath(json, config.statusField);
      last = `${answer.status} ${config.statusField}=${String(status)}`;
      return answer.ok && status !== undefined && !config.runningValues.includes(String(status)) ? json : undefined;
    },
    {
      what: `${service.name} run ${runId} not finished`,
      timeoutMs: config.timeoutMs,
      intervalMs: 50,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      lastSeen: () => `GET ${statusUrl} → ${last}`,
    },
  );
  const status = String(readJsonPath(body, config.statusField));
  const ok = config.succeededValues.includes(status);
  const error = ok ? undefined : `${service.name} run ${runId} ended ${status}: ${snippet(readJsonPath(body, 'error') ?? body)}`;
  return { ok, status, runId, detail: `${detail}; GET ${statusUrl} → ${status}`, output: JSON.stringify(body, null, 1), ...(error ? { error } : {}) };
}

/** Only the trigger: the run id, or an error naming the request and the answer. */
export async function triggerHttpAsync(config: HttpAsync, ctx: RunContext): Promise<{ runId: string; detail: string }> {
  const url = ctx.service.baseUrl + config.triggerPath;
  const answer = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
    throw new Error(`POST ${url} failed: ${errorMessage(error)}`);
  });
  const json = (await answer.json().catch(() => ({}))) as unknown;
  const runId = readJsonPath(json, config.runIdField);
  if (!answer.ok || (typeof runId !== 'string' && typeof runId !== 'number')) {
    throw new Error(
      `POST ${url} → ${answer.status} without a run id at '${config.runIdField}' (${snippet(json)}); a service that answers when the run is done is run: { kind: 'http-sync' }`,
    );
  }
  return { runId: String(runId), detail: `POST ${url} → ${answer.status} ${config.runIdField}=${runId}` };
}
