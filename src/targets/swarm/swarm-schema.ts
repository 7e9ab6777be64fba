import { z } from 'zod';

const versionSchema = (defaultImage: string) =>
  z
    .strictObject({
      image: z.string().min(1).describe('A local image (no registry is consulted on a one-node swarm); on several nodes, one each node can get.'),
      port: z.number().int().positive().max(65_535).default(8080).describe('The port the service listens on inside its task; {{port}} is filled with it.'),
    })
    .prefault({ image: defaultImage });

/**
 * `target: { kind: 'swarm' }`: V1 and V2 as versions of one Docker Swarm service (or two services),
 * rolled back by a service update (or `docker service rollback`), watched until every task runs.
 */
export const swarmTargetSchema = z
  .strictObject({
    kind: z.literal('swarm'),
    service: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and -, at most 41 characters')
      .default('abaco-pipeline')
      .describe("The service's name; `-<run id suffix>` is appended, so that two runs on one swarm never share a service."),
    services: z.enum(['one', 'two']).default('one').describe('`one`: V1 and V2 are versions of one service, updated from one to the other; `two`: a service per version, scaled.'),
    rollback: z
      .enum(['update', 'service-rollback'])
      .default('update')
      .describe(
        "How V1 is reached. `update`: a service update to V1's image and configuration. `service-rollback`: `docker service rollback` when the service's previous spec is V1 (it ran V1, then was updated to V2); otherwise an update, and the start says so.",
      ),
    v1: versionSchema('drill-pipeline-v1:latest').describe("V1's image and port."),
    v2: versionSchema('drill-pipeline-v2:latest').describe("V2's image and port."),
    replicas: z.number().int().positive().default(1).describe('Tasks per version. Host-mode publishing binds one port per node: more than one replica needs as many nodes.'),
    publishHost: z.string().min(1).default('127.0.0.1').describe('The address the harness reaches the published port at: this machine on a one-node swarm.'),
    restart: z
      .strictObject({
        condition: z.enum(['on-failure', 'any', 'none']).default('on-failure').describe('When the orchestrator restarts a task (`--restart-condition`).'),
        delayMs: z.number().int().nonnegative().default(500).describe('Wait before a restart (`--restart-delay`).'),
        maxAttempts: z.number().int().nonnegative().default(0).describe('0: no limit.'),
      })
      .prefault({})
      .describe("The tasks' restart policy: the orchestrator, not the harness, restarts a crashed task (counted from its task history)."),
    monitorMs: z
      .number()
      .int()
      .nonnegative()
      .default(500)
      .describe(
        'A task counts as converged once it has run this long (the update\'s monitor period, as `docker service update` verifies "tasks are stable"): a V1 that exits at once is not converged.',
      ),
    convergeTimeoutMs: z.number().int().positive().default(60_000).describe('How long start() waits for every task of the new spec to run.'),
    convergeFailures: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe('start() gives up sooner once this many tasks of the new spec failed or were rejected (a crash loop, a missing image).'),
    advertiseAddr: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('`docker swarm init --advertise-addr` when the engine is in no swarm; a swarm the harness created is left at the end.'),
    postgresImage: z.string().min(1).default('drill-postgres:latest').describe("The ephemeral database's image, a container on the run's attachable overlay network."),
    buildImages: z.boolean().default(true).describe('Build the reference images of containers/ that are missing or out of date before the run.'),
    runAs: z
      .enum(['harness', 'image'])
      .default('harness')
      .describe("`harness`: tasks run as the harness's uid:gid, so their output files belong to the user; `image`: the image's own user."),
    engineTimeoutMs: z.number().int().positive().default(5000).describe('How long the engine may take to answer the first ping.'),
  })
  .describe('V1 and V2 as versions of one Docker Swarm service (or two services), rolled back by a service update (docs/targets/swarm.md).');

export type SwarmTargetConfig = z.output<typeof swarmTargetSchema>;
