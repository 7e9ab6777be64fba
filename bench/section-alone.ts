/**
 * A bench section run alone, as `npx tsx bench/<section>.ts --sizes 100000,1000000 --rounds 3 [--json out.json]`
 * plus the section's own numeric flags: the flags parsed and checked, a timed log, the section's table, the load
 * average before and after, and the figures as JSON when asked.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Figure } from './figure.ts';
import { renderTable } from './table.ts';

export interface SectionRun {
  sizes: number[];
  rounds: number;
  /** The section's own flags, by name, as numbers. */
  extra: Record<string, number>;
  log: (line: string) => void;
}

/** Runs `measure` when `moduleUrl` is the script node was started with (not when the full bench imports it). */
export function runSectionAlone(
  moduleUrl: string,
  section: string,
  defaults: { sizes: string; extra: Record<string, string> },
  measure: (run: SectionRun) => Promise<Figure[]>,
): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });

  async function main(): Promise<void> {
    const extraOptions = Object.fromEntries(Object.entries(defaults.extra).map(([name, value]) => [name, { type: 'string' as const, default: value }]));
    const { values } = parseArgs({
      options: { sizes: { type: 'string', default: defaults.sizes }, rounds: { type: 'string', default: '3' }, json: { type: 'string' }, ...extraOptions },
    });
    const number = (name: string): number => Number((values as Record<string, string | undefined>)[name]);
    const sizes = String(values.sizes)
      .split(',')
      .map((s) => Number(s.trim()));
    if (sizes.some((s) => !Number.isSafeInteger(s) || s < 1)) throw new Error(`--sizes needs positive integers, got ${values.sizes}`);
    const started = performance.now();
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
    log(`${section} bench on ${cpus().length} cores, load ${load()}`);
    const extra = Object.fromEntries(Object.keys(defaults.extra).map((name) => [name, number(name)]));
    const figures = await measure({ sizes, rounds: number('rounds'), extra, log });
    console.log(`\n${renderTable(figures)}\n\nload average now ${load()}`);
    if (values.json)
      await writeFile(String(values.json), `${JSON.stringify({ startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(), figures }, null, 2)}\n`);
  }
}
