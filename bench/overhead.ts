import { formatMs } from '../src/util/format.ts';
import { median, type Figure } from './figure.ts';
import type { Rounds } from './rollback-rounds.ts';

/** The steps between "stop V2" and "V1 healthy", in the journal's order. */
const toHealthy = ['stop-v2', 'capture-v2-logs', 'restore-v1-config', 'start-v1', 'v1-healthy'];

/** The bare operations, per round: SIGTERM → V2 exited; V1 spawned → /health 2xx. */
export interface Alone {
  stop: number[];
  startToHealthy: number[];
}

const spread = (samples: number[]) => `${formatMs(median(samples))} (${formatMs(Math.min(...samples))}–${formatMs(Math.max(...samples))})`;

/**
 * Figure 1 (issue 8): the harness's overhead of a rollback = its window from "stop V2" to "V1
 * healthy" − (V2's stop alone + V1's start-to-healthy alone), same target (local processes) and
 * same drill state. Each drill round is followed by the round that times the bare floor, so each
 * pair saw the same machine: a sample is one round's window minus the floor timed right after it,
 * and the figure is their median. On a shared machine whose load drifts over minutes, that is
 * steadier than the difference of the two medians, which the note gives too.
 */
export function overheadFigure(rounds: Rounds, alone: Alone): Figure {
  if (alone.stop.length !== rounds.healthyWindows.length || alone.startToHealthy.length !== rounds.healthyWindows.length) {
    throw new Error(`overhead: ${rounds.healthyWindows.length} drill rounds but ${alone.stop.length}/${alone.startToHealthy.length} floor rounds: they must pair up`);
  }
  const overhead = rounds.healthyWindows.map((window, i) => window - (alone.stop[i]! + alone.startToHealthy[i]!));
  const floor = median(alone.stop) + median(alone.startToHealthy);
  const steps = toHealthy.map((id) => `${id} ${formatMs(median(rounds.steps.get(id) ?? [0]))}`).join(', ');
  return {
    name: `harness overhead of a rollback (stop V2 → V1 healthy, ${rounds.target})`,
    project: { samples: overhead, unit: 'ms' },
    goal: '≤ 100 ms',
    met: median(overhead) <= 100,
    note:
      `per round: window stop V2 → V1 healthy − (V2 stop alone + V1 start → healthy alone) timed right after it, on the same target and drill state: ${overhead.map((o) => formatMs(o)).join(', ')}; ` +
      `window ${spread(rounds.healthyWindows)} over ${rounds.healthyWindows.length} drills; V2 stop alone (SIGTERM → exit) ${spread(alone.stop)}, ` +
      `V1 spawn → /health 2xx alone (5 ms probe) ${spread(alone.startToHealthy)}, both timed inside the seed-procedure rounds (no harness); ` +
      `difference of the medians: ${formatMs(median(rounds.healthyWindows) - floor)}; harness steps (median): ${steps}`,
  };
}

/** Figure 1's anchor: the seed runbook's Test 3 procedure on the same machine, target and state. */
export function seedProcedureFigure(rounds: Rounds, seed: number[]): Figure {
  return {
    name: `rollback to V1 healthy vs the seed's procedure (${rounds.target})`,
    project: { samples: rounds.healthyWindows, unit: 'ms' },
    anchor: { label: 'seed: stop, start, sleep 10, curl /health', samples: seed, unit: 'ms' },
    goal: '≤ anchor',
    met: median(rounds.healthyWindows) <= median(seed),
    note: 'ratio = seed procedure ÷ harness window: how much sooner the harness knows V1 is ready; the seed procedure uses the real sleep and curl -fsS',
  };
}

/** The same drill on local processes and, when an engine answers, on containers: informative, no goal. */
export function targetFigure(processRounds: Rounds, dockerRounds: Rounds | undefined, dockerSkipped?: string): Figure {
  const validate = (r: Rounds) => formatMs(median(r.steps.get('validate-v1') ?? [0]));
  return {
    name: `rollback window, validated (stop V2 → V1 healthy + first KPI run), local processes${dockerRounds ? ' vs containers' : ''}`,
    project: { samples: processRounds.windows, unit: 'ms' },
    ...(dockerRounds ? { anchor: { label: 'same drill on docker containers', samples: dockerRounds.windows, unit: 'ms' as const } } : {}),
    goal: '—',
    met: true,
    note:
      `the journal's rollbackMs (budget 300 s); V1's validation run (median) ${validate(processRounds)} on processes` +
      (dockerRounds
        ? `, ${validate(dockerRounds)} on containers; containers to V1 healthy ${spread(dockerRounds.healthyWindows)}`
        : `; containers not measured: ${dockerSkipped ?? 'not asked for'}`),
  };
}
