import { compareKpis, type KpiComparison } from '../src/kpis/kpi-compare.ts';
import type { KpiSource } from '../src/kpis/kpi-source-schema.ts';
import { readKpis } from '../src/kpis/read-kpis.ts';
import { formatMs } from '../src/util/format.ts';
import { median, type Figure } from './figure.ts';
import type { KpiOutputs } from './kpi-compare-data.ts';

const columns = { asOf: 'as_of', segment: 'segment', kpi: 'kpi', value: 'value' };
const source = (dir: string): KpiSource => ({ kind: 'parquet', dir, columns });

/** What the harness does in a drill: read V2's outputs (the reference), read V1's, compare. */
async function harnessCompare(outputs: KpiOutputs): Promise<KpiComparison> {
  const reference = await readKpis(source(outputs.v2));
  const candidate = await readKpis(source(outputs.v1));
  return compareKpis(reference, candidate, { tolerance: 0.01 });
}

type Compare = (outputs: KpiOutputs) => Promise<KpiComparison>;

/**
 * Figure 3 for one data set: the harness's comparer and DuckDB's on the same files, in the same
 * process, alternating which goes first. One untimed call of each first (the first call in a
 * process also pays JIT and, for DuckDB, the native library's start; it is reported in the note),
 * then `rounds` timed calls each. Both must reach the same verdict, or the figure is not a figure.
 */
export async function kpiCompareFigure(label: string, outputs: KpiOutputs, rounds: number, duckdb: Compare, note: string, log: (line: string) => void): Promise<Figure> {
  const timed = async (compare: Compare) => {
    const started = performance.now();
    const result = await compare(outputs);
    return { ms: performance.now() - started, result };
  };
  const firstHarness = await timed(harnessCompare);
  const firstDuck = await timed(duckdb);
  agree(label, firstHarness.result, firstDuck.result);
  const harness: number[] = [];
  const anchor: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order: Array<[Compare, number[]]> =
      round % 2
        ? [
            [harnessCompare, harness],
            [duckdb, anchor],
          ]
        : [
            [duckdb, anchor],
            [harnessCompare, harness],
          ];
    for (const [compare, into] of order) {
      const { ms, result } = await timed(compare);
      agree(label, firstHarness.result, result);
      into.push(ms);
    }
    log(`kpi compare ${label} round ${round}: harness ${formatMs(harness.at(-1)!)}, DuckDB ${formatMs(anchor.at(-1)!)}`);
  }
  const points = firstHarness.result.compared + firstHarness.result.missingInCandidate.length;
  return {
    name: `KPI compare V1 vs V2, ${label} (2×${points.toLocaleString('en-US')} points, 2×${outputs.files} files)`,
    project: { samples: harness, unit: 'ms' },
    anchor: { label: 'DuckDB (same files, same join)', samples: anchor, unit: 'ms' },
    goal: '≤ anchor',
    met: median(harness) <= median(anchor),
    note: `${note}; round by round the harness was faster in ${harness.filter((ms, i) => ms < anchor[i]!).length} of ${rounds}; first call in the process: harness ${formatMs(firstHarness.ms)}, DuckDB ${formatMs(firstDuck.ms)}; verdict ${firstHarness.result.withinTolerance ? 'within' : 'beyond'} tolerance, max variance ${(firstHarness.result.maxVariance * 100).toFixed(3)}% on both`,
  };
}

/** The two comparers must say the same thing about the same files. */
function agree(label: string, harness: KpiComparison, duck: KpiComparison): void {
  const summary = (c: KpiComparison) =>
    JSON.stringify([
      c.compared,
      c.withinTolerance,
      c.missingInCandidate.length,
      c.missingInReference.length,
      c.duplicates.length,
      c.nonFinite.length,
      c.worst[0] && [c.worst[0].asOf, c.worst[0].segment, c.worst[0].kpi],
    ]);
  const same = summary(harness) === summary(duck) && Math.abs(harness.maxVariance - duck.maxVariance) <= 1e-12 * Math.max(1, harness.maxVariance);
  if (!same)
    throw new Error(
      `kpi compare ${label}: DuckDB and the harness disagree: harness ${summary(harness)} max ${harness.maxVariance}, DuckDB ${summary(duck)} max ${duck.maxVariance}`,
    );
}
