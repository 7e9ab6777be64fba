import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { execa } from 'execa';
import type { EnvironmentConfig } from '../config/schema.ts';
import { openServer } from '../database/open-server.ts';
import { newClient } from '../database/pg-session.ts';
import { baseEnv } from '../runner/service-env.ts';
import { errorMessage } from '../errors.ts';
import { waitHealthy } from '../pipeline/health-check.ts';
import { runPipeline } from '../pipeline/run-pipeline.ts';
import { ProcessTarget } from '../targets/process/process-target.ts';

/** One finding of `drill init`'s probe: what was tried and what it showed. */
export interface Finding {
  ok: boolean;
  what: string;
  seen: string;
}

/** Whether a program can be run as written: a path (relative to `cwd`) that is executable, or a name on PATH. */
export async function programExists(program: string, cwd: string, path = process.env['PATH'] ?? ''): Promise<boolean> {
  const candidates = program.includes('/')
    ? [isAbsolute(program) ? program : resolve(cwd, program)]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, program));
  for (const candidate of candidates) {
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** What can be known without starting anything: every command of the config can be found. */
export async function probeCommands(env: EnvironmentConfig, baseDir: string): Promise<Finding[]> {
  const commands: Array<[string, string, string | undefined]> = [
    ['v1', env.v1.command, env.v1.cwd],
    ['v2', env.v2.command, env.v2.cwd],
    ...env.setup.map((c, i): [string, string, string | undefined] => [`setup[${i}]`, c.command, c.cwd]),
    ...(env.cutover ? [['cutover', env.cutover.command, env.cutover.cwd] as [string, string, string | undefined]] : []),
  ];
  return Promise.all(
    commands.map(async ([where, program, cwd]) => {
      const ok = await programExists(program, resolve(baseDir, cwd ?? '.'));
      return { ok, what: `${where}: ${program}`, seen: ok ? 'found' : 'not found (neither an executable path nor a program on PATH)' };
    }),
  );
}

/**
 * Tries the pipeline for real, as a drill would begin: a database (ephemeral, or a scratch one on your
 * server), the setup commands, V2 started as a local process until its health check passes, one V2 run,
 * then every configured query on what it wrote. Each step is a finding; everything started is stopped.
 */
export async function probeLive(env: EnvironmentConfig, baseDir: string, processEnv: NodeJS.ProcessEnv = process.env): Promise<Finding[]> {
  const findings: Finding[] = [];
  // What the probe's run writes goes to a folder of its own, removed with the probe's database.
  const scratch = await mkdtemp(join(tmpdir(), 'drill-init-probe-'));
  const outputDir = join(scratch, 'outputs');
  await mkdir(outputDir);
  const server = await openServer(env.database, processEnv).catch(async (error: unknown) => {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  });
  const name = `drill_init_probe_${process.pid}`;
  try {
    const dsn = await server.createDatabase(name);
    try {
      const fill = (v: string) => v.replaceAll('{{databaseUrl}}', dsn).replaceAll('{{outputDir}}', outputDir).replaceAll('{{runDir}}', scratch);
      for (const [i, c] of env.setup.entries()) {
        const result = await execa(c.command, c.args.map(fill), {
          cwd: resolve(baseDir, c.cwd ?? '.'),
          env: { ...baseEnv(processEnv), ...mapValues(c.env, fill) },
          extendEnv: false,
          reject: false,
          timeout: c.timeoutMs,
          stdin: 'ignore',
          all: true,
        });
        findings.push({
          ok: !result.failed,
          what: `setup[${i}]: ${c.command}`,
          seen: result.failed ? `exit ${result.exitCode ?? result.signal}: ${(result.all ?? '').split('\n').slice(-2).join(' ')}` : 'ran',
        });
        if (result.failed) return findings;
      }
      const target = new ProcessTarget();
      const v2 = env.v2;
      const deployment = await target.deploy({
        name: 'V2',
        role: 'v2',
        command: v2.command,
        args: v2.args.map(fill),
        cwd: resolve(baseDir, v2.cwd ?? '.'),
        env: { ...baseEnv(processEnv, [], v2.passEnv), ...mapValues(v2.env, fill) },
        hostEnv: baseEnv(processEnv),
        writableDirs: [],
      });
      const service = await deployment.start();
      try {
        const healthy = await waitHealthy(service, v2.health, { timeoutMs: v2.healthTimeoutMs, fill }).then(
          (h) => ({ ok: true, what: `V2 health (${v2.health.kind})`, seen: `${h.seen} after ${h.waitedMs} ms` }),
          (error: unknown) => ({ ok: false, what: `V2 health (${v2.health.kind})`, seen: errorMessage(error).split('\n')[0]! }),
        );
        findings.push(healthy);
        if (!healthy.ok) return findings;
        const run = await runPipeline(v2.run, { service, dsn, fill });
        findings.push(
          run
            ? { ok: run.ok, what: `V2 run (${run.protocol})`, seen: run.ok ? run.detail : (run.error ?? run.detail) }
            : { ok: true, what: 'V2 run', seen: 'none: the version is not asked to run' },
        );
      } finally {
        await service[Symbol.asyncDispose]();
      }
      findings.push(...(await probeQueries(env, dsn)));
    } finally {
      await server.dropDatabase(name).catch(() => undefined);
    }
  } finally {
    await server.stop();
    await rm(scratch, { recursive: true, force: true });
  }
  return findings;
}

async function probeQueries(env: EnvironmentConfig, dsn: string): Promise<Finding[]> {
  const queries: Array<[string, string | undefined]> = [
    ['accounting.sourceKeysQuery', env.accounting?.sourceKeysQuery],
    ['accounting.processedKeysQuery', env.accounting?.processedKeysQuery],
    ['accounting.quarantinedKeysQuery', env.accounting?.quarantinedKeysQuery],
    ['kpis.source.query', env.kpis?.source.kind === 'sql' ? env.kpis.source.query : undefined],
  ];
  const client = newClient({ connectionString: dsn });
  await client.connect();
  try {
    const findings: Finding[] = [];
    for (const [setting, sql] of queries) {
      if (!sql) continue;
      const finding = await client.query<{ n: string }>(`select count(*) as n from (${sql}) as q`).then(
        (r) => ({ ok: true, what: setting, seen: `${r.rows[0]!.n} rows after V2's run` }),
        (error: unknown) => ({ ok: false, what: setting, seen: errorMessage(error) }),
      );
      findings.push(finding);
    }
    return findings;
  } finally {
    await client.end();
  }
}

function mapValues(env: Record<string, string>, fill: (v: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fill(v)]));
}
