import { loadConfig, selectEnvironment } from '../config/load-config.ts';
import { Redactor } from '../redaction/redactor.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import { formatMs } from '../util/format.ts';
import { configFileOf } from './config-file.ts';
import { processIo, type CommandIo } from './output.ts';

export interface ValidateCommandOptions {
  config?: string;
  /** Only this environment: it must exist. */
  env?: string;
  json?: boolean;
}

export interface EnvironmentSummary {
  name: string;
  target: string;
  database: string;
  v1: string;
  v2: string;
  rollbackBudgetMs: number;
  kpis: boolean;
  accounting: boolean;
}

/**
 * `drill validate`: the pre-check before a drill. Loads the config exactly as `drill run` does
 * (an invalid one throws a HarnessError naming each field: exit 3) and starts nothing.
 */
export async function validateCommand(options: ValidateCommandOptions, io: CommandIo = processIo): Promise<number> {
  const loaded = await loadConfig(configFileOf(options.config));
  const names = options.env === undefined ? Object.keys(loaded.config.environments) : [options.env];
  const environments = names.map((name) => summarise(name, selectEnvironment(loaded.config, name)));
  // The summary shows commands: a token or password given as an argument must not reach the terminal.
  const redactor = new Redactor();
  if (options.json) {
    io.out.write(redactor.redact(`${JSON.stringify({ valid: true, file: loaded.file, environments }, null, 2)}\n`));
    return 0;
  }
  io.out.write(redactor.redact(`valid: ${loaded.file} — ${environments.length} environment${environments.length === 1 ? '' : 's'}\n`));
  for (const e of environments) {
    io.out.write(
      redactor.redact(
        `  ${e.name}: target ${e.target}, database ${e.database}, rollback budget ${formatMs(e.rollbackBudgetMs)}${e.kpis ? ', KPI comparison' : ''}${e.accounting ? ', record accounting' : ''}\n`,
      ),
    );
    io.out.write(redactor.redact(`    v1: ${e.v1}\n    v2: ${e.v2}\n`));
  }
  return 0;
}

function summarise(name: string, env: EnvironmentConfig): EnvironmentSummary {
  const command = (s: EnvironmentConfig['v1']) => [s.command, ...s.args].join(' ');
  return {
    name,
    target: env.target.kind,
    database: env.database.kind,
    v1: command(env.v1),
    v2: command(env.v2),
    rollbackBudgetMs: env.budgets.rollbackMs,
    kpis: env.kpis !== undefined,
    accounting: env.accounting !== undefined,
  };
}
