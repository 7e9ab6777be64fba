import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, selectEnvironment } from '../config/load-config.ts';
import type { CriteriaOverrides } from '../criteria/criteria-overrides.ts';
import { defaultCriteria } from '../criteria/criteria.ts';
import type { DecisionConfig } from '../criteria/decision-schema.ts';
import { evaluate } from '../criteria/evaluate.ts';
import { readTelemetry } from '../criteria/read-telemetry.ts';
import type { Telemetry, TelemetrySourceSummary } from '../criteria/telemetry-schema.ts';
import { HarnessError } from '../errors.ts';
import { formatDuration, formatValue } from '../criteria/format-criterion.ts';
import type { Decision } from '../criteria/decision-types.ts';
import { clientFor } from '../telemetry/prometheus-source.ts';
import { prometheusTelemetry } from '../telemetry/prometheus-range.ts';
import type { FetchLike } from '../telemetry/scraper.ts';

export interface DecideCommandOptions {
  telemetry?: string;
  /** A URL, or true (the flag alone): the environment's decision.telemetry.url. */
  prometheus?: string | boolean;
  env?: string;
  config?: string;
  range?: string;
  last?: string;
  step?: string;
  json?: boolean;
}

export interface DecideIo {
  out: { write(text: string): unknown };
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  fetchImpl?: FetchLike;
}

/** Exit codes of `drill decide`; bad input (exit 3) is thrown as a HarnessError and mapped by main. */
export const decideExitCodes = { continue: 0, rollback: 1 } as const;

const defaultConfigs = ['drill.config.ts', 'drill.config.json', 'drill.config.yaml', 'drill.config.yml'];

/**
 * `drill decide`: evaluates the seed's rollback criteria over a telemetry file, or over a time range of
 * the user's Prometheus (the environment's decision.telemetry queries, with /api/v1/query_range), with
 * the environment's criteria overrides when `--env` names one.
 */
export async function decideCommand(options: DecideCommandOptions, io: DecideIo = { out: process.stdout }): Promise<number> {
  const viaPrometheus = options.prometheus !== undefined && options.prometheus !== false;
  if (options.telemetry !== undefined && viaPrometheus) throw new HarnessError('drill decide: give --telemetry <file> or --prometheus, not both');
  if (options.telemetry === undefined && !viaPrometheus) throw new HarnessError('drill decide needs --telemetry <file>, or --prometheus [url] --env <name>');
  if (!viaPrometheus && (options.range || options.last || options.step)) throw new HarnessError('--range, --last and --step go with --prometheus');
  const decision = await environmentDecision(options);

  let telemetry: Telemetry;
  if (viaPrometheus) {
    if (!decision) throw new HarnessError('--prometheus needs --env <name>: the queries are that environment’s decision.telemetry.queries');
    const source = decision.settings.telemetry;
    if (source.kind !== 'prometheus') {
      throw new HarnessError(
        `environment '${decision.name}' has no Prometheus queries (its decision.telemetry.kind is '${source.kind}'): set decision.telemetry to { kind: 'prometheus', url, queries }`,
      );
    }
    const url = typeof options.prometheus === 'string' ? checkedUrl(options.prometheus) : undefined;
    const client = clientFor(source, { ...(url ? { url } : {}), ...(io.env ? { env: io.env } : {}), ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}) });
    const { fromMs, toMs } = timeRange(options, io.now ?? Date.now);
    const stepMs = options.step ? parseDuration(options.step, '--step') : source.stepMs;
    telemetry = await prometheusTelemetry(source, { client, fromMs, toMs, stepMs });
  } else {
    telemetry = await readTelemetry(options.telemetry!);
  }

  const result = evaluate(telemetry, defaultCriteria, { overrides: decision?.overrides ?? {} });
  if (options.json) {
    const context = { ...(decision ? { environment: decision.name } : {}), ...(telemetry.source ? { source: telemetry.source } : {}) };
    io.out.write(`${JSON.stringify({ ...result, ...context }, null, 2)}\n`);
  } else {
    const lines = [describeDecision(result)];
    if (viaPrometheus && telemetry.source) lines.unshift(describeSource(telemetry.source));
    if (decision) lines.unshift(`environment: ${decision.name} (its decision.criteria and decision.notTrigger applied)`);
    io.out.write(`${lines.join('\n')}\n`);
  }
  return decideExitCodes[result.decision];
}

interface EnvironmentDecision {
  name: string;
  settings: DecisionConfig;
  overrides: CriteriaOverrides;
}

async function environmentDecision(options: DecideCommandOptions): Promise<EnvironmentDecision | undefined> {
  if (options.env === undefined) {
    if (options.config !== undefined) throw new HarnessError('--config goes with --env <name>: the environment whose decision config applies');
    return undefined;
  }
  const file = options.config ?? defaultConfigs.find((f) => existsSync(resolve(f)));
  if (!file) throw new HarnessError(`--env ${options.env}: no config file: pass --config or create one of ${defaultConfigs.join(', ')}`);
  const { config } = await loadConfig(file);
  const settings = selectEnvironment(config, options.env).decision;
  const overrides = { ...(settings.criteria ? { criteria: settings.criteria } : {}), ...(settings.notTrigger ? { notTrigger: settings.notTrigger } : {}) };
  return { name: options.env, settings, overrides };
}

function checkedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HarnessError(`--prometheus ${raw}: not a URL (e.g. http://prometheus:9090)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HarnessError(`--prometheus ${raw}: use an http or https URL`);
  if (url.username || url.password) throw new HarnessError('--prometheus: no credentials in the URL (they would show in the process list): set decision.telemetry.tokenEnv');
  return raw;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `15s`, `5m`, `1h30m`, `500ms`: Prometheus's duration syntax, without weeks and years. */
export function parseDuration(text: string, option: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new HarnessError(`${option} ${text}: not a duration (e.g. 15s, 5m, 1h30m)`);
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
  if (ms <= 0) throw new HarnessError(`${option} ${text}: must be longer than 0`);
  return ms;
}

/** An ISO-8601 time with a zone, Unix seconds, or `now`. */
function parseTime(text: string, now: number): number {
  if (text === 'now') return now;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (/(Z|[+-]\d\d:?\d\d)$/i.test(text) && !Number.isNaN(Date.parse(text))) return Date.parse(text);
  throw new HarnessError(`--range: ${text} is not a time (ISO-8601 with a zone such as 2026-03-02T10:00:00Z, Unix seconds, or now)`);
}

function timeRange(options: DecideCommandOptions, now: () => number): { fromMs: number; toMs: number } {
  if (options.range && options.last) throw new HarnessError('give --range or --last, not both');
  if (options.range) {
    const [from, to, extra] = options.range.split('..');
    if (from === undefined || to === undefined || extra !== undefined || !from || !to) throw new HarnessError(`--range ${options.range}: write <start>..<end>`);
    const at = now();
    const range = { fromMs: parseTime(from, at), toMs: parseTime(to, at) };
    if (range.toMs <= range.fromMs) throw new HarnessError(`--range ${options.range}: the end must be after the start`);
    return range;
  }
  const toMs = now();
  return { fromMs: toMs - parseDuration(options.last ?? '15m', '--last'), toMs };
}

function describeSource(source: TelemetrySourceSummary): string {
  const range = source.range ? `, ${source.range.from} → ${source.range.to} every ${formatDuration(source.range.stepMs)}` : '';
  const answers = Object.entries(source.answers ?? {}).map(([field, a]) => `${field} ${a.answered}/${a.answered + a.missing + a.failed}`);
  return `telemetry: Prometheus ${source.url ?? ''}${range}; steps answered: ${answers.join(', ')}`;
}

/** The terminal form of a decision: what fired and since when, what was held back and why, what had no data. */
function describeDecision(decision: Decision): string {
  const lines = [`decision: ${decision.decision.toUpperCase()} (${decision.samples} samples${decision.from ? `, ${decision.from} → ${decision.to}` : ''})`];
  if (decision.fired.length > 0) {
    lines.push('fired:');
    for (const f of decision.fired) {
      const held = f.heldMs === undefined ? '' : `, held ${formatDuration(f.heldMs)} since ${f.firstHeldAt}`;
      const window = f.windowMs === undefined ? '' : ` within ${formatDuration(f.windowMs)} (first at ${f.firstHeldAt})`;
      lines.push(`  - ${f.id}: ${f.title} — ${formatValue(f.value, f.unit)} at ${f.firedAt}${held}${window}${f.detail ? ` (${f.detail})` : ''}`);
    }
  }
  if (decision.heldBack.length > 0) {
    lines.push('held back:');
    for (const h of decision.heldBack) lines.push(`  - ${h.rule} (${h.criterion}): ${h.reason}`);
  }
  const silent = decision.evaluated.filter((e) => e.status === 'no-data' || e.status === 'not-measured' || e.status === 'disabled');
  if (silent.length > 0) {
    lines.push('not evaluated:');
    for (const e of silent) lines.push(`  - ${e.id}: ${e.status}${e.note ? ` (${e.note})` : ''}`);
  }
  const clear = decision.evaluated.filter((e) => e.status === 'clear').map((e) => e.id);
  if (clear.length > 0) lines.push(`clear: ${clear.join(', ')}`);
  return lines.join('\n');
}
