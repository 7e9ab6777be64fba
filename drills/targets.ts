import type { TargetKind } from '../src/config/schema.ts';
import { dockerTestsRun } from '../test/helpers/docker.ts';

/**
 * The targets every drill runs on: local processes always; containers, services on a one-node
 * swarm the drill makes of the same engine, and systemd units on the ssh-systemd test host container,
 * when the docker tests run.
 */
export const drillTargets: TargetKind[] = dockerTestsRun ? ['process', 'docker', 'swarm', 'ssh-systemd'] : ['process'];
