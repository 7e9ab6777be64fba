import { builtInTargets } from '../src/targets/registry.ts';
import { dockerTestsRun } from '../test/helpers/docker.ts';
import { ownEnvironmentTarget } from './run-one.ts';

/**
 * The targets every drill runs on, from the targets registry: those that need no Docker engine (local
 * processes) always; the others — containers, services on a one-node swarm the drill makes of the same
 * engine, systemd units on the ssh-systemd test host container — when the docker tests run. A user's own
 * environment (DRILL_CONFIG / DRILL_ENV, see run-one.ts) runs on its own target only.
 */
const own = await ownEnvironmentTarget();
export const drillTargets = own !== undefined ? [own] : builtInTargets.filter((plugin) => dockerTestsRun || !plugin.needsEngine).map((plugin) => plugin.kind);
