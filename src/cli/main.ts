import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { HarnessError, errorMessage } from '../errors.ts';
import { Redactor } from '../redaction/redactor.ts';
// The questions of `drill init` are its options: a small module of words, no dependencies.
import { questions } from '../init/answers.ts';
// The --target kinds come from the targets registry (its plugins' index files are schemas only).
import { builtInTargets } from '../targets/registry.ts';

/**
 * The command table. Only commander and this file load at start: each action imports its module
 * when it runs, so `drill --help` or `drill verify` never pay for Postgres, Docker, zod or tsx.
 */

const harnessErrorCode = 3;

/** The package refers to itself by name (its `exports` allow it): the same from src/ and from dist/src/. */
function packageVersion(): string {
  const text = readFileSync(new URL(import.meta.resolve('rollback-drill/package.json')), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('drill')
    .description('Rehearse and prove the rollback of a data pipeline from V2 to V1')
    .version(packageVersion(), '-V, --version', 'print the version of rollback-drill')
    .exitOverride()
    .showHelpAfterError();
  program
    .command('run')
    .description('run the rollback drills of one environment and write the journal and checklist')
    .option('--env <name>', 'environment of the config', 'staging')
    .option('--target <kind>', `override the environment's target kind (${builtInTargets.map((plugin) => plugin.kind).join(', ')})`)
    .addOption(new Option('--only <test-id...>', 'run only these tests (comma or space separated)'))
    .option('--config <file>', 'drill.config.ts, or a .json/.yaml file of the same schema')
    .option('--report-dir <dir>', 'where runs are written (<dir>/<runId>/, copied to <dir>/latest/)', 'reports')
    .option('--json', 'print a JSON summary on stdout (verdict, exit code, run folder, tests); all progress goes to stderr')
    .action(async (opts: { env: string; target?: string; only?: string[]; config?: string; reportDir: string; json?: boolean }) => {
      const only = opts.only?.flatMap((o) => o.split(',')).filter(Boolean);
      const { runCommand } = await import('./run-command.ts');
      process.exitCode = await runCommand({ ...opts, ...(only ? { only } : {}) });
    });
  program
    .command('validate')
    .description('load and validate a config without starting anything, and summarise its environments (exit 0 valid, 3 invalid)')
    .option('--config <file>', 'drill.config.ts, or a .json/.yaml file of the same schema')
    .option('--env <name>', 'check that this environment exists and summarise only it')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { config?: string; env?: string; json?: boolean }) => {
      const { validateCommand } = await import('./validate-command.ts');
      process.exitCode = await validateCommand(opts);
    });
  program
    .command('decide')
    .description('evaluate the rollback decision criteria over a telemetry file or a time range of Prometheus (exit 0 continue, 1 rollback, 3 bad input)')
    .option('--telemetry <file>', 'telemetry JSON: { baseline, samples: [{ t, latencyMs, rssMb, … }] } (see docs/decision-criteria.md)')
    .option('--prometheus [url]', "query Prometheus (default: the environment's decision.telemetry.url) with the environment's decision.telemetry.queries")
    .option('--env <name>', "apply this environment's decision config: its criteria/notTrigger overrides, and its queries for --prometheus")
    .option('--config <file>', 'drill.config.ts, or a .json/.yaml file of the same schema (with --env)')
    .option('--range <start..end>', 'with --prometheus: ISO-8601 times with a zone, Unix seconds or now, e.g. 2026-03-02T10:00:00Z..2026-03-02T10:15:00Z')
    .option('--last <duration>', 'with --prometheus: the range ending now (default 15m)')
    .option('--step <duration>', 'with --prometheus: the resolution, e.g. 15s (default decision.telemetry.stepMs)')
    .option('--json', 'print the decision as JSON')
    .action(async (opts: import('./decide-command.ts').DecideCommandOptions) => {
      const { decideCommand } = await import('./decide-command.ts');
      process.exitCode = await decideCommand(opts);
    });
  program
    .command('report')
    .description('re-render report.html of a run folder (and report.pdf with --pdf) and re-seal its manifest (exit 1 if it fails verification)')
    .argument('<runDir>', 'a run folder, e.g. reports/latest')
    .option('--pdf', "also print report.pdf with headless Chromium (Debian's chromium)")
    .option('--history <file>', 'history.jsonl for the trend (default: the one next to the run folder)')
    .option('--regression-ratio <ratio>', 'flag a rollback slower than this × the median of the last 7 runs', '1.2')
    .action(async (runDir: string, opts: { pdf?: boolean; history?: string; regressionRatio: string }) => {
      const { reportCommand } = await import('./report-command.ts');
      process.exitCode = await reportCommand({ runDir, ...opts });
    });
  program
    .command('verify')
    .description('recompute manifest.sha256 of a run folder and check its ssh sign-offs (exit 0 verified, 1 a file changed or a signature is missing or bad, 3 bad input)')
    .argument('<runDir>', 'a run folder, e.g. reports/latest')
    .option(
      '--allowed-signers <file>',
      "ssh allowed_signers: one line per signer, principal = the role (e.g. 'engineering ssh-ed25519 AAAA…'); every role it lists must have a good signature",
    )
    .option('--json', 'print the verification as JSON')
    .action(async (runDir: string, opts: { allowedSigners?: string; json?: boolean }) => {
      const { verifyCommand } = await import('./verify-command.ts');
      process.exitCode = await verifyCommand({ runDir, ...opts });
    });
  program
    .command('sign')
    .description('sign off a run folder that verifies: with --key, an ssh signature of its manifest; with --name only, an unverified typed name (exit 1 refused, 3 bad input)')
    .argument('<runDir>', 'the run folder you archive, e.g. reports/<runId> (latest/ is replaced by the next run)')
    .requiredOption('--role <role>', 'engineering | operations | management')
    .option('--key <file>', 'your ssh private key: signs manifest.sha256 with `ssh-keygen -Y sign -n rollback-drill`')
    .option('--name <name>', "the signer's name (required without --key)")
    .option('--json', 'print the signature as JSON')
    .action(async (runDir: string, opts: { role: string; key?: string; name?: string; json?: boolean }) => {
      const { signCommand } = await import('./sign-command.ts');
      process.exitCode = await signCommand({ runDir, ...opts });
    });
  program
    .command('checks')
    .description('list every check a drill can emit: what it compares, its threshold, what it needs, and the test that shows it failing')
    .option('--json', 'as JSON (id, tests, compares, threshold, needs, fault, provenBy)')
    .option('--markdown', 'as the table of docs/checks.md')
    .action(async (opts: { json?: boolean; markdown?: boolean }) => {
      const { checkCatalog, catalogMarkdown } = await import('../checks/catalog.ts');
      if (opts.json) process.stdout.write(`${JSON.stringify(checkCatalog, null, 2)}\n`);
      else if (opts.markdown) process.stdout.write(catalogMarkdown());
      else
        for (const c of checkCatalog)
          process.stdout.write(`${c.id.padEnd(28)} ${c.tests.join(',').padEnd(44)} ${c.compares}\n${' '.repeat(29)}fails with: ${c.fault} (${c.provenBy})\n`);
    });
  program
    .command('schema')
    .description('print the JSON Schema of the config (for "$schema" in drill.config.json / .yaml)')
    .action(async () => {
      const { configJsonSchema } = await import('../config/json-schema.ts');
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
  const init = program
    .command('init')
    .description('write a commented drill config for your V1/V2 pair: asks what the flags do not say, probes, validates (exit 0 written and probed, 1 a probe failed, 3 bad input)')
    .option('--output <file>', 'drill.config.ts or a .yaml file', 'drill.config.ts')
    .option('--yes', 'ask nothing: every answer comes from the flags')
    .option('--force', 'replace an existing file')
    .option('--probe', 'start an ephemeral PostgreSQL, run the setup, start V2, wait for its health, run it once and try every query')
    .option('--incremental', 'a run with nothing new to do writes nothing (not a failure)')
    .option('--health-timeout-ms <ms>', 'how long each version may take to pass its health check (default 30000)');
  for (const q of questions) init.option(q.list ? `${q.flag} <value...>` : `${q.flag} <value>`, `${q.ask} (e.g. ${q.example})`);
  init.action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
    const { initCommand } = await import('./init-command.ts');
    const answers = Object.fromEntries(questions.map((q) => [q.key, opts[camel(q.flag)] as string | string[] | undefined]));
    process.exitCode = await initCommand({
      output: opts['output'] as string,
      answers,
      ...(opts['yes'] ? { yes: true } : {}),
      ...(opts['force'] ? { force: true } : {}),
      ...(opts['probe'] ? { probe: true } : {}),
      ...(opts['incremental'] ? { incremental: true } : {}),
      ...(opts['healthTimeoutMs'] ? { healthTimeoutMs: positiveInteger(opts['healthTimeoutMs'] as string, '--health-timeout-ms') } : {}),
    });
  });
  return program;
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new HarnessError(`${flag} ${text}: a positive whole number of milliseconds`);
  return value;
}

/** `--v2-health` → `v2Health`, as commander names an option's value. */
function camel(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not errors; bad usage is a harness/config error (exit 3).
      process.exitCode = error.exitCode === 0 ? 0 : harnessErrorCode;
      return;
    }
    const message = new Redactor().redact(errorMessage(error));
    process.stderr.write(`drill: ${message}\n`);
    if (!(error instanceof HarnessError) && process.env['DRILL_DEBUG']) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = harnessErrorCode;
  }
}

await main();
