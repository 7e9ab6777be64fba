import type { TargetKind } from '../src/config/schema.ts';
import { dockerTestsRun } from '../test/helpers/docker.ts';

/** The targets every drill runs on: local processes always, containers when the docker tests run. */
export const drillTargets: TargetKind[] = dockerTestsRun ? ['process', 'docker'] : ['process'];
