import { z } from 'zod';

const versionSchema = (defaultImage: string) =>
  z
    .strictObject({
      /** A local image (no registry is consulted on a one-node swarm); on several nodes, one each node can get. */
      image: z.string().min(1),
      /** The port the service listens on inside its task; {{port}} is filled with it. */
      port: z.number().int().positive().max(65_535).default(8080),
    })
    .prefault({ image: defaultImage });

/**
 * `target: { kind: 'swarm' }`: V1 and V2 as versions of one Docker Swarm service (or two services),
 * rolled back by a service update (or `docker service rollback`), watched until every task runs.
 */
export const swarmTargetSchema = z.strictObject({
  kind: z.literal('swarm'),
  /** The service's name; `-<run id suffix>` is appended, so that two runs on one swarm never share a service. */
  service: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and -, at most 41 characters')
    .default('abaco-pipeline'),
  /** `one`: V1 and V2 are versions of one service, updated from one to the other; `two`: a service per version, scaled. */
  services: z.enum(['one', 'two']).default('one'),
  /**
   * How V1 is reached. `update`: a service update to V1's image and configuration. `service-rollback`:
   * `docker service rollback` when the service's previous spec is V1 (it ran V1, then was updated to V2);
   * otherwise an update, and the start says so.
   */
  rollback: z.enum(['update', 'service-rollback']).default('update'),
  v1: versionSchema('drill-pipeline-v1:latest'),
  v2: versionSchema('drill-pipeline-v2:latest'),
  /** Tasks per version. Host-mode publishing binds one port per node: more than one replica needs as many nodes. */
  replicas: z.number().int().positive().default(1),
  /** The address the harness reaches the published port at: this machine on a one-node swarm. */
  publishHost: z.string().min(1).default('127.0.0.1'),
  /** The tasks' restart policy: the orchestrator, not the harness, restarts a crashed task (counted from its task history). */
  restart: z
    .strictObject({
      condition: z.enum(['on-failure', 'any', 'none']).default('on-failure'),
      delayMs: z.number().int().nonnegative().default(500),
      /** 0: no limit. */
      maxAttempts: z.number().int().nonnegative().default(0),
    })
    .prefault({}),
  /**
   * A task counts as converged once it has run this long (the update's monitor period, as
   * `docker service update` verifies "tasks are stable"): a V1 that exits at once is not converged.
   */
  monitorMs: z.number().int().nonnegative().default(500),
  /** How long start() waits for every task of the new spec to run. */
  convergeTimeoutMs: z.number().int().positive().default(60_000),
  /** start() gives up sooner once this many tasks of the new spec failed or were rejected (a crash loop, a missing image). */
  convergeFailures: z.number().int().positive().default(3),
  /** `docker swarm init --advertise-addr` when the engine is in no swarm; a swarm the harness created is left at the end. */
  advertiseAddr: z.string().min(1).default('127.0.0.1'),
  /** The ephemeral database's image, a container on the run's attachable overlay network. */
  postgresImage: z.string().min(1).default('drill-postgres:latest'),
  /** Build the reference images of containers/ that are missing or out of date before the run. */
  buildImages: z.boolean().default(true),
  /** `harness`: tasks run as the harness's uid:gid, so their output files belong to the user; `image`: the image's own user. */
  runAs: z.enum(['harness', 'image']).default('harness'),
  /** How long the engine may take to answer the first ping. */
  engineTimeoutMs: z.number().int().positive().default(5000),
});

export type SwarmTargetConfig = z.output<typeof swarmTargetSchema>;
