import { stat } from 'node:fs/promises';
import pg from 'pg';
import { readEnvFile } from '../../config/env-file.ts';
import { errorMessage } from '../../errors.ts';
import type { StepDefinition } from '../runner.ts';
import { need, resolvePath, serviceName, type DrillWorld, type ServiceKey, type TestState } from '../world.ts';

/**
 * Runbook step 2: restore the version's environment from the pre-staged env file, verify its
 * files (binaries, config, migrations) are present, and check database connectivity.
 */
export function restoreConfig(world: DrillWorld, state: TestState, key: ServiceKey): StepDefinition {
  const name = serviceName[key];
  return {
    id: `restore-${key}-config`,
    title: `Restore ${name}'s configuration, verify its assets and DB connectivity`,
    phase: 'rollback',
    async run(ctx) {
      const config = world.env[key];
      if (config.envFile) {
        const env = await readEnvFile(resolvePath(world, config.envFile));
        state.restoredEnv[key] = env;
        ctx.record('envFile', config.envFile);
        ctx.record('envKeys', Object.keys(env));
      }
      const files: Record<string, number> = {};
      for (const file of config.requiredFiles) {
        const path = resolvePath(world, file);
        const info = await stat(path).catch(() => undefined);
        if (!info) throw new Error(`${name} asset missing: ${file} (${path})`);
        files[file] = info.size;
      }
      ctx.record('assets', files);
      ctx.record('dbConnectMs', await checkConnectivity(need(state.databaseUrl, 'the drill database'), 5000));
    },
  };
}

async function checkConnectivity(dsn: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: dsn, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`database not reachable within ${timeoutMs} ms: ${errorMessage(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return Date.now() - started;
}
