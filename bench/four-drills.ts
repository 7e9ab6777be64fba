/**
 * The four drills' wall time: `drill run --env staging` as a user runs it (`npm run drill:staging`),
 * on local processes, once, from the command to its exit; each test's time and the run's own span
 * read from its journal. Also runnable alone: `npx tsx bench/four-drills.ts`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { Journal } from '../src/journal/journal-types.ts';
import { ensureBuilt } from '../test/helpers/build.ts';
import type { Figure } from './figure.ts';
import { renderTable } from './table.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** Issue 17: the four drills on local processes within 40 s. */
const GOAL_MS = 40_000;

export async function fourDrillsFigure(options: { log: (line: string) => void }): Promise<Figure> {
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-four-drills-'));
  try {
    // The compiled CLI, as `npm run drill:staging` runs it (bin/drill.js → dist/), built first if a source is newer.
    ensureBuilt();
    const load = loadavg()[0]!.toFixed(1);
    const args = ['bin/drill.js', 'run', '--config', 'drill.config.ts', '--env', 'staging', '--target', 'process', '--report-dir', reportDir];
    const started = performance.now();
    const result = await execa(process.execPath, args, { cwd: REPO, reject: false, all: true, env: { FORCE_COLOR: '0' } });
    const wallMs = performance.now() - started;
    if (result.exitCode !== 0) throw new Error(`drill run --env staging --target process exited ${result.exitCode}: ${result.all.slice(-1500)}`);
    const journal = JSON.parse(await readFile(join(reportDir, 'latest', 'journal.json'), 'utf8')) as Journal;
    const tests = journal.tests.map((t) => `${t.id} ${(t.durationMs / 1000).toFixed(1)} s`);
    const spanMs = Date.parse(journal.finishedAt) - Date.parse(journal.startedAt);
    const preRollback = journal.tests.filter((t) => t.preRollbackMs !== undefined).map((t) => `${t.id} ${(t.preRollbackMs! / 1000).toFixed(1)} s`);
    options.log(`four drills: ${(wallMs / 1000).toFixed(1)} s (${tests.join(', ')}), load ${load} at the start`);
    return {
      name: 'the four drills, drill run --env staging on local processes',
      project: { samples: [wallMs], unit: 'ms' },
      goal: `≤ ${GOAL_MS / 1000} s`,
      met: wallMs <= GOAL_MS,
      note:
        `once, command to exit (node bin/drill.js run … --target process, the compiled CLI of npm run drill:staging); each test: ${tests.join(', ')}; ` +
        `the journal's span ${(spanMs / 1000).toFixed(1)} s (the rest is start-up, the report and the seal); pre-rollback phases: ${preRollback.join(', ')}; load ${load} at the start`,
    };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  fourDrillsFigure({ log }).then(
    (figure) => console.log(`\n${renderTable([figure])}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
