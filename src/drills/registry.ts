import { HarnessError } from '../errors.ts';
import type { DrillPlugin } from './drill-plugin.ts';
import { dataValidation } from './data-validation.ts';
import { dryRun } from './dry-run.ts';
import { rollbackTime } from './rollback-time.ts';
import { rollForward } from './roll-forward.ts';

/** The runbook's four tests, in the order a run executes them and the Testing Checklist lists them. */
export const builtInDrills = [dryRun, dataValidation, rollbackTime, rollForward] as const;
export type BuiltInDrillId = (typeof builtInDrills)[number]['id'];

/** A registry entry: a built-in drill's id, or a drill object of the user's (`plugins.drills`). */
export type DrillEntry = BuiltInDrillId | DrillPlugin;

export interface DrillRegistry {
  /** Every drill, built-ins first, in run order. */
  readonly drills: readonly DrillPlugin[];
  readonly ids: readonly string[];
  /** The drill of an id; an unknown id names itself and the known ones. */
  get(id: string, what?: string): DrillPlugin;
}

const ID = /^[a-z][a-z0-9-]{0,60}$/;

/**
 * The plug-in point of drills: the four built-in ones, then the user's, each a DrillPlugin (an id, a plan
 * of steps and checks, its checklist section). A run, `--only`, the preflight and the checklist all take
 * their drills from here: adding one touches nothing else.
 */
export function drillRegistry(entries: readonly DrillEntry[] = builtInDrills.map((d) => d.id)): DrillRegistry {
  const drills: DrillPlugin[] = [];
  for (const entry of entries) {
    const drill = typeof entry === 'string' ? builtInDrills.find((d) => d.id === entry) : entry;
    if (!drill) throw new HarnessError(`unknown drill '${String(entry)}' (built-in: ${builtInDrills.map((d) => d.id).join(', ')})`);
    if (typeof drill !== 'object' || typeof drill.plan !== 'function' || !ID.test(drill.id ?? '')) {
      throw new HarnessError(`plugins.drills: a drill needs an id (lower-case letters, digits, -), a title and a plan() function; got ${JSON.stringify(Object.keys(drill ?? {}))}`);
    }
    if (drills.some((d) => d.id === drill.id)) throw new HarnessError(`two drills have the id '${drill.id}'`);
    drills.push(drill);
  }
  const ids = drills.map((d) => d.id);
  return {
    drills,
    ids,
    get(id, what = 'drill') {
      const drill = drills.find((d) => d.id === id);
      if (!drill) throw new HarnessError(`unknown ${what} '${id}' (known: ${ids.join(', ')})`);
      return drill;
    },
  };
}

/** The built-in drills only: what a config without plugins runs. */
export const builtInRegistry = drillRegistry();
export const testIds = builtInRegistry.ids;
