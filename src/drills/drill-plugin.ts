import type { ChecklistEntry, TestRecord } from '../journal/journal-types.ts';
import type { Evidence } from '../runner/evidence.ts';
import type { DrillPlan } from '../runner/runner.ts';
import type { DrillWorld } from '../runner/world.ts';

/**
 * A drill: one test of the runbook (or of the user's), as data. `plan` lays out its steps and checks for
 * one run; `checklist` fills its section of the Testing Checklist from its journal record (undefined:
 * the drill was not run). A user's drill.config.ts adds drills through `plugins.drills`, beside the four
 * built-in ones, without editing the harness.
 */
export interface DrillPlugin {
  /** Selects it (`--only <id>`), names it in the journal; letters, digits and -. */
  id: string;
  title: string;
  plan(world: DrillWorld, evidence: Evidence): DrillPlan;
  /** Its section of the Testing Checklist; when absent, a generic one: completed, each check as YES/NO, issues. */
  checklist?(test: TestRecord | undefined): ChecklistEntry;
}

/** Typed identity for a drill written in a config file. */
export function defineDrill(plugin: DrillPlugin): DrillPlugin {
  return plugin;
}
