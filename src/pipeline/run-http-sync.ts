import type { RunConfig } from '../config/service-schema.ts';
import { errorMessage } from '../errors.ts';
import { readJsonPath, snippet } from './json-path.ts';
import type { RunContext, RunOutcome } from './run-types.ts';

type HttpSync = Extract<RunConfig, { kind: 'http-sync' }>;

/**
 * One request; the run is done when it answers. Success = one of `statuses` (any 2xx by default).
 * The body is kept as evidence; a run id and a row count are read from it when the config says where.
 */
export async function runHttpSync(config: HttpSync, ctx: RunContext): Promise<RunOutcome> {
  const { url, answer, text } = await startHttpSync(config, ctx);
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  const ok = config.statuses ? config.statuses.includes(answer.status) : answer.ok;
  const detail = `${config.method} ${url} → ${answer.status} ${snippet(json, 120)}`;
  const runId = config.runIdField ? readJsonPath(json, config.runIdField) : undefined;
  const rows = config.rowsField ? readJsonPath(json, config.rowsField) : undefined;
  const problems = [
    ...(ok ? [] : [`answered ${answer.status}, expected ${config.statuses?.join(' or ') ?? 'a 2xx status'}`]),
    ...(config.rowsField && !(typeof rows === 'number' && Number.isFinite(rows)) ? [`no row count at '${config.rowsField}'`] : []),
    ...(config.runIdField && runId === undefined ? [`no run id at '${config.runIdField}'`] : []),
  ];
  return {
    ok: problems.length === 0,
    status: problems.length === 0 ? 'succeeded' : 'failed',
    detail,
    output: text,
    ...(runId === undefined ? {} : { runId: String(runId) }),
    ...(typeof rows === 'number' ? { rows } : {}),
    ...(problems.length ? { error: `${ctx.service.name}: ${config.method} ${url} ${problems.join('; ')}: ${snippet(json)}` } : {}),
  };
}

/** Sends the request and reads the whole answer within the run's timeout. */
export async function startHttpSync(config: HttpSync, ctx: RunContext): Promise<{ url: string; answer: Response; text: string }> {
  const url = ctx.service.baseUrl + config.path;
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, AbortSignal.timeout(config.timeoutMs)]) : AbortSignal.timeout(config.timeoutMs);
  const body = config.body === undefined ? {} : { body: JSON.stringify(config.body), headers: { 'content-type': 'application/json' } };
  try {
    const answer = await fetch(url, { method: config.method, signal, ...body });
    return { url, answer, text: await answer.text() };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new Error(timedOut ? `${config.method} ${url} did not answer within ${config.timeoutMs} ms` : `${config.method} ${url} failed: ${errorMessage(error)}`);
  }
}
