import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load-config.ts';
import { Redactor } from '../config/redact.ts';
import { HarnessError } from '../errors.ts';
import { runDrills } from '../drill/run-drills.ts';
import { exitCodes } from '../drill/status.ts';
import { liveRenderer } from './live-renderer.ts';

export interface RunCommandOptions {
  env: string;
  target?: string;
  only?: string[];
  config?: string;
  reportDir: string;
}

const defaultConfigs = ['drill.config.ts', 'drill.config.json', 'drill.config.yaml', 'drill.config.yml'];

/** `drill run`: returns the process exit code (0 passed, 1 failed, 2 inconclusive, 3 harness error, 130 interrupted). */
export async function runCommand(options: RunCommandOptions, io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const configFile = options.config ?? defaultConfigs.find((f) => existsSync(resolve(f)));
  if (!configFile) throw new HarnessError(`no config file: pass --config or create one of ${defaultConfigs.join(', ')}`);
  const loaded = await loadConfig(configFile);
  const redactor = new Redactor();
  const renderer = liveRenderer(io.out, redactor);

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.err.write('\ninterrupted: stopping the drill and cleaning up in reverse order (Ctrl-C again to force quit)\n');
      controller.abort(new Error('interrupted by SIGINT'));
    } else {
      process.exit(exitCodes.interrupted);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const { journal, runDir, latestDir } = await runDrills({
      loaded,
      environmentName: options.env,
      ...(options.target ? { targetOverride: options.target } : {}),
      ...(options.only ? { only: options.only } : {}),
      reportDir: options.reportDir,
      signal: controller.signal,
      redactor,
      onEvent: renderer.onEvent,
      onInfo: (line) => io.out.write(redactor.redact(line) + '\n'),
    });
    io.out.write(`\nverdict: ${journal.status.toUpperCase()} (${journal.tests.map((t) => `${t.id} ${t.status}`).join(', ') || 'no test ran'})\n`);
    io.out.write(`journal: ${runDir}/journal.json\nchecklist: ${runDir}/checklist.md\nreport: ${runDir}/report.html\nlatest: ${latestDir}\n`);
    return exitCodes[journal.status];
  } finally {
    renderer.dispose();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
