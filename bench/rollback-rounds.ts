import type { LoadedConfig } from '../src/config/load-config.ts';
import type { TargetKind } from '../src/config/schema.ts';
import { runDrills } from '../src/drill/run-drills.ts';
export { median } from './figure.ts';

export interface Rounds {
  target: TargetKind;
  windows: number[];
  /** Step id → its duration in each round. */
  steps: Map<string, number[]>;
}

/** Runs the rollback-time drill `rounds` times on one target and keeps the window and every step's time. */
export async function rollbackRounds(loaded: LoadedConfig, target: TargetKind, rounds: number, reportDir: string, log: (line: string) => void): Promise<Rounds> {
  const result: Rounds = { target, windows: [], steps: new Map() };
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
    if (!test || test.status !== 'passed' || test.rollbackMs === undefined) throw new Error(`${target} round ${round}: rollback-time ${test?.status ?? `${journal.status} ${journal.error ?? ''}`}`);
    result.windows.push(test.rollbackMs);
    for (const step of test.steps) result.steps.set(step.id, [...(result.steps.get(step.id) ?? []), step.durationMs]);
    log(`${target} round ${round}: rollback window ${(test.rollbackMs / 1000).toFixed(2)} s`);
  }
  return result;
}

