import type { z } from 'zod';
import type { TargetSession } from './target-session.ts';

export interface TargetOpenOptions {
  runId: string;
  /** The run's folder (reports/<runId>): the ssh-systemd test host mounts it so the units' outputs land where the harness reads them. */
  runDir?: string;
  env: NodeJS.ProcessEnv;
}

/** What every target's configuration has: the kind that names its plugin. */
export interface TargetConfigBase {
  readonly kind: string;
}

/** A plugin's config schema: a zod object whose `kind` is its kind's literal, one member of the config's discriminated union. */
export type TargetSchema = z.ZodType<TargetConfigBase> & z.core.$ZodTypeDiscriminable;

/**
 * One kind of target, and everything the harness needs to know of it: the plug-in point of targets.
 * A built-in (process/, docker/, swarm/, ssh-systemd/, each its folder's index.ts) or a user's object
 * given in the config's `plugins.targets`. Its index stays light — `open` imports the implementation
 * when a run opens it — because the config schema is made from every plugin's `schema`.
 */
export interface TargetPlugin<Schema extends TargetSchema = TargetSchema> {
  /** The `target.kind` of the config and `--target <kind>`. */
  readonly kind: z.output<Schema>['kind'];
  /** What it deploys to, for help texts: "containers on a Docker engine". */
  readonly description: string;
  /** Its configuration, `kind: z.literal(kind)` included; strict, with defaults. */
  readonly schema: Schema;
  /** Opens the target for one run (what it needs before the first test, what it removes after the last). */
  open(config: z.output<Schema>, options: TargetOpenOptions): Promise<TargetSession>;
  /**
   * The config `--target <kind>` runs an environment with, given the environment's own target. Absent:
   * the environment's own settings when it is of this kind already, else this kind's defaults.
   */
  forced?(current: TargetConfigBase | undefined): z.output<Schema>;
  /** It needs a Docker engine on this machine (the drill suites run it only where one answers). */
  readonly needsEngine?: boolean;
}

/** Types a plugin object against its schema (`kind`, `open`'s and `forced`'s config), as defineConfig types a config. */
export function defineTargetPlugin<Schema extends TargetSchema>(plugin: TargetPlugin<Schema>): TargetPlugin<Schema> {
  return plugin;
}
