import { bindPlaceholders } from '../../database/bind-placeholders.ts';
import { harnessApplicationName, newClient } from '../../database/pg-session.ts';
import { errorMessage } from '../../errors.ts';
import { probe, type HealthProbe } from '../../pipeline/health-check.ts';
import { readJsonPath, snippet } from '../../pipeline/json-path.ts';
import type { StartedDeployment } from '../../targets/target.ts';
import type { StepDefinition } from '../../runner/runner.ts';
import { serviceFill } from '../../runner/service-spec.ts';
import { need, serviceName, type DrillWorld, type ServiceKey, type TestState, type VerificationFacts } from '../../runner/world.ts';

/**
 * The runbook's post-rollback verification, measured: health passing, every pipeline phase executing
 * (from the health answer, a query or the log, as configured), database connectivity as the restored
 * version sees it, and no error lines in its log. Each becomes a check; this step only gathers facts.
 */
export function verifyService(world: DrillWorld, state: TestState, key: ServiceKey): StepDefinition {
  const name = serviceName[key];
  return {
    id: `verify-${key}`,
    title: `Post-rollback verification of ${name}: health, ${world.env.verification.phases ? 'phases, ' : ''}database, logs`,
    phase: 'verify',
    async run(ctx) {
      const { verification } = world.env;
      const service = need(state.running[key], name);
      const dsn = need(state.databaseUrl, 'the drill database');
      const health = await probe(service, world.env[key].health, serviceFill(world, state));
      const since = state.runs[key]?.startedAt ?? state.startedAt[key]?.db ?? '-infinity';
      const phases = verification.phases ? await readPhases(verification.phases, { health, service, dsn, since }) : undefined;
      const db = await databaseAsSeen(verification.dbConnectivity, { health, dsn, run: state.runs[key], name });
      const pattern = new RegExp(world.env.verification.errorLogPattern);
      const errorLines = service.logs(5000).filter((line) => pattern.test(line));
      const evidence = await state.evidence.write(
        `${key}-verification.json`,
        JSON.stringify({ health: { ok: health.ok, seen: health.seen, status: health.status ?? null, body: health.body ?? null }, phases: phases ?? null, db, errorLines }, null, 2),
      );
      const facts: VerificationFacts = { healthy: health.ok, health: health.seen, ...(phases ? { phases } : {}), db, errorLines, evidence };
      state.facts.verification = facts;
      ctx.record('health', health.seen);
      if (phases) ctx.record('phases', Object.fromEntries(Object.entries(phases).map(([p, v]) => [p, v.seen])));
      ctx.record('db', db.how);
      ctx.record('errorLines', errorLines.length);
      const resources = state.resources[key]?.at(-1)?.summary();
      if (resources) ctx.record('resources', resources);
    },
  };
}

type Phases = NonNullable<DrillWorld['env']['verification']['phases']>;

async function readPhases(
  config: Phases,
  seen: { health: HealthProbe; service: StartedDeployment; dsn: string; since: string },
): Promise<Record<string, { ok: boolean; seen: string }>> {
  switch (config.kind) {
    case 'health': {
      const node = readJsonPath(seen.health.body, config.path);
      return Object.fromEntries(
        config.names.map((phase) => {
          const value = node && typeof node === 'object' ? (node as Record<string, unknown>)[phase] : undefined;
          const status = value && typeof value === 'object' ? (value as Record<string, unknown>)['status'] : value;
          const text = status === undefined ? `absent from the health answer at ${config.path}` : String(status);
          return [phase, { ok: config.succeeded.includes(String(status)), seen: text }];
        }),
      );
    }
    case 'sql': {
      const rows = await queryPhases(seen.dsn, config.query, seen.since);
      return Object.fromEntries(
        config.names.map((phase) => {
          const status = rows.get(phase);
          return [phase, { ok: status !== undefined && config.succeeded.includes(status), seen: status ?? 'no row for this phase' }];
        }),
      );
    }
    case 'log': {
      const lines = seen.service.logs(5000);
      return Object.fromEntries(
        Object.entries(config.patterns).map(([phase, pattern]) => {
          const re = new RegExp(pattern);
          const line = lines.find((l) => re.test(l));
          return [phase, { ok: line !== undefined, seen: line ? snippet(line, 100) : `no log line matches /${pattern}/` }];
        }),
      );
    }
  }
}

async function queryPhases(dsn: string, sql: string, since: string): Promise<Map<string, string>> {
  const query = bindPlaceholders(sql, { runStartedAt: { value: since, type: 'timestamptz' } }, 'verification.phases.query');
  const client = newClient({ connectionString: dsn });
  await client.connect();
  try {
    const { rows } = await client.query({ text: query.text, values: query.values, rowMode: 'array' }).catch((error: unknown) => {
      throw new Error(`verification.phases.query failed (it must return rows of phase, status): ${errorMessage(error)}`);
    });
    return new Map(rows.map((r: unknown[]) => [String(r[0]), String(r[1])]));
  } finally {
    await client.end();
  }
}

async function databaseAsSeen(
  config: DrillWorld['env']['verification']['dbConnectivity'],
  seen: { health: HealthProbe; dsn: string; run: TestState['runs'][ServiceKey]; name: string },
): Promise<{ ok: boolean; how: string }> {
  switch (config.kind) {
    case 'health': {
      const value = readJsonPath(seen.health.body, config.path);
      return { ok: value === config.equals, how: `${seen.name}'s health answer: ${config.path} = ${value === undefined ? 'absent' : JSON.stringify(value)}` };
    }
    case 'session': {
      const client = newClient({ connectionString: seen.dsn });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
              and application_name is distinct from $1 ${config.applicationName ? 'and application_name = $2' : ''}`,
          config.applicationName ? [harnessApplicationName, config.applicationName] : [harnessApplicationName],
        );
        const n = Number(rows[0]!.n);
        return {
          ok: n > 0,
          how: `${n} session(s) of ${seen.name} on the drill database (pg_stat_activity${config.applicationName ? `, application_name ${config.applicationName}` : ''})`,
        };
      } finally {
        await client.end();
      }
    }
    case 'run':
      return seen.run
        ? { ok: seen.run.ok, how: `${seen.name}'s validation run ${seen.run.ok ? 'read and wrote' : 'failed on'} the drill database (${seen.run.detail})` }
        : { ok: false, how: `${seen.name} has no run to prove its database connectivity by` };
  }
}
