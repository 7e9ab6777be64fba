import { loadConfig } from '../config/load-config.ts';
import { Redactor } from '../redaction/redactor.ts';
import type { Journal } from '../journal/journal-types.ts';
import { runDrills } from '../run/run-drills.ts';
import { exitCodes } from '../journal/verdict.ts';
import { configFileOf } from './config-file.ts';
import { liveRenderer } from './live-renderer.ts';

export interface RunCommandOptions {
  env: string;
  target?: string;
  only?: string[];
  config?: string;
  reportDir: string;
  /** A JSON summary on stdout; the live progress and every notice go to stderr. */
  json?: boolean;
}

/** 128 + the signal's number, as a shell reports a process ended by it; both after the same cleanup. */
export const signalExitCodes = { SIGINT: exitCodes.interrupted, SIGTERM: 143 } as const;
type StopSignal = keyof typeof signalExitCodes;

/** What `drill run --json` prints: enough for CI to act on without parsing the journal. */
export interface RunSummary {
  verdict: Journal['status'];
  exitCode: number;
  runId: string;
  runDir: string;
  latestDir: string;
  journal: string;
  checklist: string;
  tests: Array<{
    id: string;
    status: string;
    durationMs: number;
    rollbackMs: number | null;
    failedChecks: Array<{ id: string; title: string; status: string; value: unknown; threshold: unknown; unit?: string; message?: string }>;
  }>;
}

/**
 * `drill run`: returns the process exit code (0 passed, 1 failed, 2 inconclusive, 3 harness error,
 * 130 interrupted by SIGINT, 143 by SIGTERM).
 */
export async function runCommand(
  options: RunCommandOptions,
  io: { out: NodeJS.WriteStream; err: NodeJS.WriteStream } = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const loaded = await loadConfig(configFileOf(options.config));
  const redactor = new Redactor();
  // With --json stdout carries one JSON document and nothing else.
  const progress = options.json ? io.err : io.out;
  const renderer = liveRenderer(progress, redactor);

  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (stoppedBy === undefined) {
      stoppedBy = signal;
      io.err.write(`\ninterrupted by ${signal}: stopping the drill and cleaning up in reverse order (send it again to force quit)\n`);
      controller.abort(new Error(`interrupted by ${signal}`));
    } else {
      process.exit(signalExitCodes[signal]);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
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
      onInfo: (line) => progress.write(`${redactor.redact(line)}\n`),
    });
    const exitCode = journal.status === 'interrupted' && stoppedBy ? signalExitCodes[stoppedBy] : exitCodes[journal.status];
    if (options.json) {
      io.out.write(redactor.redact(`${JSON.stringify(runSummary(journal, exitCode, runDir, latestDir), null, 2)}\n`));
    } else {
      io.out.write(`\nverdict: ${journal.status.toUpperCase()} (${journal.tests.map((t) => `${t.id} ${t.status}`).join(', ') || 'no test ran'})\n`);
      io.out.write(`journal: ${runDir}/journal.json\nchecklist: ${runDir}/checklist.md\nreport: ${runDir}/report.html\nlatest: ${latestDir}\n`);
    }
    return exitCode;
  } finally {
    renderer.dispose();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function runSummary(journal: Journal, exitCode: number, runDir: string, latestDir: string): RunSummary {
  return {
    verdict: journal.status,
    exitCode,
    runId: journal.runId,
    runDir,
    latestDir,
    journal: `${runDir}/journal.json`,
    checklist: `${runDir}/checklist.md`,
    tests: journal.tests.map((t) => ({
      id: t.id,
      status: t.status,
      durationMs: t.durationMs,
      rollbackMs: t.rollbackMs ?? null,
      failedChecks: t.checks
        .filter((c) => c.status !== 'passed')
        .map((c) => ({
          id: c.id,
          title: c.title,
          status: c.status,
          value: c.value,
          threshold: c.threshold,
          ...(c.unit ? { unit: c.unit } : {}),
          ...(c.message ? { message: c.message } : {}),
        })),
    })),
  };
}
