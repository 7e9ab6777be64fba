import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseConfig } from '../config/load-config.ts';
import { preflight } from '../run/preflight.ts';
import { testIds } from '../drills/registry.ts';
import { HarnessError } from '../errors.ts';
import { questions, type InitAnswers } from '../init/answers.ts';
import { probeCommands, probeLive, type Finding } from '../init/probe.ts';
import { environmentOf, renderConfig } from '../init/render-config.ts';

export interface InitCommandOptions {
  output: string;
  yes?: boolean;
  force?: boolean;
  probe?: boolean;
  incremental?: boolean;
  healthTimeoutMs?: number;
  /** Flag values by question key (`v2`, `health.v1`, `setup` …). */
  answers: Record<string, string | string[] | undefined>;
}

interface Io {
  out: { write(text: string): unknown };
  input: NodeJS.ReadableStream & { isTTY?: boolean };
}

/**
 * `drill init`: asks for (or takes as flags) how V1 and V2 start, their health and run protocols, the
 * database and the queries, probes what it can, and writes a commented config that passes validation —
 * checked by the same schema and preflight a run uses, before the file is written.
 */
export async function initCommand(options: InitCommandOptions, io: Io = { out: process.stdout, input: process.stdin }): Promise<number> {
  const file = resolve(options.output);
  const format = ['.yaml', '.yml'].includes(extname(file)) ? 'yaml' : extname(file) === '.ts' ? 'ts' : undefined;
  if (!format) throw new HarnessError(`--output ${options.output}: write a .ts or a .yaml file`);
  if (existsSync(file) && !options.force) throw new HarnessError(`${file} exists: pass --force to replace it`);
  const values = await collect(options, io);
  const answers: InitAnswers = {
    v1: one(values, 'v1'),
    v2: one(values, 'v2'),
    health: { v1: one(values, 'health.v1'), v2: one(values, 'health.v2') },
    run: { v1: one(values, 'run.v1'), v2: one(values, 'run.v2') },
    database: one(values, 'database'),
    setup: list(values, 'setup'),
    schemas: commaList(list(values, 'schemas')),
    valueColumns: commaList(list(values, 'valueColumns')),
    incremental: options.incremental ?? false,
    ...(options.healthTimeoutMs ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
    ...optional(values, ['cutover', 'sourceKeys', 'processedKeys', 'quarantinedKeys', 'kpis', 'kpiRows', 'outputs', 'failure']),
  };
  const environment = environmentOf(answers);
  // The same validation a run does: the file is only written once it would be accepted.
  const parsed = parseConfig({ environments: { staging: environment } }, file).environments['staging']!;
  preflight(parsed, testIds, parsed.target.kind);

  const findings: Finding[] = await probeCommands(parsed, dirname(file));
  if (options.probe) findings.push(...(await probeLive(parsed, dirname(file))));
  await writeFile(file, renderConfig(environment, format));
  io.out.write(`wrote ${file}\n`);
  for (const f of findings) io.out.write(`  ${f.ok ? 'ok ' : 'NO '} ${f.what}: ${f.seen}\n`);
  const waived = Object.keys((environment['waive'] as Record<string, string> | undefined) ?? {});
  if (waived.length) io.out.write(`waived until configured (shown on every checklist): ${waived.join(', ')}\n`);
  io.out.write(`next: npx drill validate --config ${options.output}, then npx drill run --config ${options.output} --env staging\n`);
  return findings.every((f) => f.ok) ? 0 : 1;
}

async function collect(options: InitCommandOptions, io: Io): Promise<Record<string, string | string[] | undefined>> {
  const values = { ...options.answers };
  const missing = questions.filter((q) => values[q.key] === undefined || (q.list && (values[q.key] as string[]).length === 0));
  const required = missing.filter((q) => !q.optional);
  if (options.yes || !io.input.isTTY) {
    if (required.length > 0) {
      const why = options.yes ? 'with --yes nothing is asked' : 'standard input is not a terminal, so nothing can be asked';
      throw new HarnessError(`drill init: ${why}; pass ${required.map((q) => `${q.flag} (e.g. ${q.flag} '${q.example}')`).join(', ')}`);
    }
    return values;
  }
  const prompt = createInterface({ input: io.input, output: io.out as NodeJS.WritableStream });
  try {
    for (const q of missing) {
      const answer = (await prompt.question(`${q.ask}\n  e.g. ${q.example}\n> `)).trim();
      if (answer === '' && !q.optional) throw new HarnessError(`drill init: ${q.flag} is needed (e.g. ${q.example})`);
      if (answer !== '') values[q.key] = q.list ? [answer] : answer;
    }
  } finally {
    prompt.close();
  }
  return values;
}

function one(values: Record<string, string | string[] | undefined>, key: string): string {
  const value = values[key];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function list(values: Record<string, string | string[] | undefined>, key: string): string[] {
  const value = values[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function optional<K extends keyof InitAnswers>(values: Record<string, string | string[] | undefined>, keys: K[]): Partial<InitAnswers> {
  return Object.fromEntries(keys.flatMap((k) => (one(values, k) ? [[k, one(values, k)]] : []))) as Partial<InitAnswers>;
}

function commaList(values: string[]): string[] {
  return values
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
