/**
 * Benchmark, measured side by side in one run: the rollback window on local processes and on
 * containers (one target after the other, same drill, same data), per step; and V1's cold start
 * alone, the floor under "start V1" + "healthy". Prints medians, ranges and ratios.
 *
 *   npm run bench [-- --rounds 3 --cold-starts 5 --targets process,docker]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.ts';
import type { TargetKind } from '../src/config/schema.ts';
import { formatMs } from '../src/util/format.ts';
import { dockerTestsRun } from '../test/helpers/docker.ts';
import { measureColdStarts } from './cold-start.ts';
import { median, rollbackRounds, type Rounds } from './rollback-rounds.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, 'cold-starts': { type: 'string', default: '5' }, targets: { type: 'string' } },
});
const rounds = Number(values.rounds);
const coldStarts = Number(values['cold-starts']);
const targets = (values.targets?.split(',') ?? (dockerTestsRun ? ['process', 'docker'] : ['process'])) as TargetKind[];

const loaded = await loadConfig('drill.config.ts');
const reportDir = await mkdtemp(join(tmpdir(), 'drill-bench-'));
try {
  const measured: Rounds[] = [];
  for (const target of targets) measured.push(await rollbackRounds(loaded, target, rounds, reportDir, console.log));
  const cold = await measureColdStarts(loaded, coldStarts);

  const range = (times: number[]) => `${formatMs(median(times))} (${formatMs(Math.min(...times))}–${formatMs(Math.max(...times))})`;
  const width = 32;
  console.log(`\nmedian of ${rounds} rounds (min–max)`);
  console.log(`  ${'step'.padEnd(22)}${targets.map((t) => t.padStart(width)).join('')}`);
  for (const id of measured[0]!.steps.keys()) {
    console.log(`  ${id.padEnd(22)}${measured.map((m) => range(m.steps.get(id) ?? [0]).padStart(width)).join('')}`);
  }
  console.log(`  ${'rollback window'.padEnd(22)}${measured.map((m) => range(m.windows).padStart(width)).join('')}`);
  const processRounds = measured.find((m) => m.target === 'process');
  const dockerRounds = measured.find((m) => m.target === 'docker');
  if (processRounds && dockerRounds) {
    console.log(`\nratio rollback window containers / local processes: ${(median(dockerRounds.windows) / median(processRounds.windows)).toFixed(2)}`);
  }
  const floor = median(cold);
  console.log(`V1 cold start as a local process (spawn → /health 200), median of ${coldStarts}: ${formatMs(floor)}  [${cold.map((c) => formatMs(c)).join(', ')}]`);
  if (processRounds) console.log(`ratio rollback window (local processes) / V1 cold start: ${(median(processRounds.windows) / floor).toFixed(2)}`);
} finally {
  await rm(reportDir, { recursive: true, force: true });
}
