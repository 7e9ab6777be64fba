import { builtInTargets } from '../src/targets/registry.ts';
import { dockerTestsRun } from '../test/helpers/docker.ts';

/**
 * The targets every drill runs on, from the targets registry: those that need no Docker engine (local
 * processes) always; the others — containers, services on a one-node swarm the drill makes of the same
 * engine, systemd units on the ssh-systemd test host container — when the docker tests run.
 */
export const drillTargets = builtInTargets.filter((plugin) => dockerTestsRun || !plugin.needsEngine).map((plugin) => plugin.kind);
