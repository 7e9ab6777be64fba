/**
 * Benchmark: the rollback window against its physical floor, V1's cold start, measured side by
 * side in one run on one ephemeral PostgreSQL. Prints medians and the ratio.
 *
 *   npm run bench [-- --rounds 3 --cold-starts 5]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.ts';
import { runDrills } from '../src/drill/run-drills.ts';
import { formatMs } from '../src/util/format.ts';
import { measureColdStarts } from './cold-start.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, 'cold-starts': { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const coldStarts = Number(values['cold-starts']);

const loaded = await loadConfig('drill.config.ts');
const reportDir = await mkdtemp(join(tmpdir(), 'drill-bench-'));
try {
  const windows: number[] = [];
  const perStep = new Map<string, number[]>();
  for (let round = 1; round <= rounds; round++) {
    const { journal } = await runDrills({ loaded, environmentName: 'staging', only: ['rollback-time'], reportDir, signal: new AbortController().signal });
    const test = journal.tests[0];
    if (!test || test.status !== 'passed' || test.rollbackMs === undefined) throw new Error(`round ${round}: rollback-time ${test?.status ?? journal.status}`);
    windows.push(test.rollbackMs);
    for (const step of test.steps) perStep.set(step.id, [...(perStep.get(step.id) ?? []), step.durationMs]);
    console.log(`round ${round}: rollback window ${formatMs(test.rollbackMs)}`);
  }
  const cold = await measureColdStarts(loaded, coldStarts);
  console.log('\nstep (median of rounds)');
  for (const [id, times] of perStep) console.log(`  ${id.padEnd(20)} ${formatMs(median(times)).padStart(10)}`);
  const window = median(windows);
  const floor = median(cold);
  console.log(`\nrollback window, median of ${rounds}: ${formatMs(window)}`);
  console.log(`V1 cold start (spawn → /health 200), median of ${coldStarts}: ${formatMs(floor)}  [${cold.map((c) => formatMs(c)).join(', ')}]`);
  console.log(`ratio rollback window / V1 cold start: ${(window / floor).toFixed(2)}`);
} finally {
  await rm(reportDir, { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
