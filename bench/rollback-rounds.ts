import type { LoadedConfig } from '../src/config/load-config.ts';
import type { TargetKind } from '../src/config/schema.ts';
import type { StepRecord } from '../src/journal/journal-types.ts';
import { runDrills } from '../src/run/run-drills.ts';
import { formatMs } from '../src/util/format.ts';
export { median } from './figure.ts';

export interface Rounds {
  target: TargetKind;
  /** The journal's rollbackMs: "stop V2" issued → V1 healthy AND its first KPI run validated. */
  windows: number[];
  /** "stop V2" issued → V1 healthy (end of the v1-healthy step): the part the seed's procedure also covers. */
  healthyWindows: number[];
  /** Step id → its duration in each round. */
  steps: Map<string, number[]>;
}

/**
 * Runs the rollback-time drill `rounds` times on one target and keeps the windows and every step's
 * time. `afterEach` runs between rounds: a measurement compared with the drill's alternates with it,
 * so both see the same machine (the load of a shared machine drifts over minutes).
 */
export async function rollbackRounds(
  loaded: LoadedConfig,
  target: TargetKind,
  rounds: number,
  reportDir: string,
  log: (line: string) => void,
  afterEach: (round: number) => Promise<void> = async () => undefined,
): Promise<Rounds> {
  const result: Rounds = { target, windows: [], healthyWindows: [], steps: new Map() };
  for (let round = 1; round <= rounds; round++) {
    const { journal } = await runDrills({
      loaded,
      environmentName: 'staging',
      targetOverride: target,
      only: ['rollback-time'],
      reportDir,
      signal: new AbortController().signal,
    });
    const test = journal.tests[0];
    if (test?.status !== 'passed' || test.rollbackMs === undefined) {
      const step = test?.steps.find((s) => s.error);
      const check = test?.checks.find((c) => c.status !== 'passed');
      const why = step ? `step ${step.id}: ${step.error}` : check ? `check ${check.id} ${check.status}: ${check.message ?? String(check.value)}` : (journal.error ?? '');
      throw new Error(`${target} round ${round}: rollback-time ${test?.status ?? journal.status}${why ? ` — ${why.split('\n')[0]}` : ''}`);
    }
    result.windows.push(test.rollbackMs);
    result.healthyWindows.push(healthyWindow(test.steps));
    for (const step of test.steps) result.steps.set(step.id, [...(result.steps.get(step.id) ?? []), step.durationMs]);
    log(`${target} round ${round}: to V1 healthy ${formatMs(result.healthyWindows.at(-1)!)}, validated ${formatMs(test.rollbackMs)}`);
    await afterEach(round);
  }
  return result;
}

/** From the start of stop-v2 to the end of v1-healthy, as the journal recorded them. */
export function healthyWindow(steps: readonly StepRecord[]): number {
  const stop = steps.find((s) => s.id === 'stop-v2');
  const healthy = steps.find((s) => s.id === 'v1-healthy');
  if (!stop || !healthy) throw new Error(`the rollback-time journal has no ${stop ? 'v1-healthy' : 'stop-v2'} step`);
  return Date.parse(healthy.startedAt) + healthy.durationMs - Date.parse(stop.startedAt);
}
