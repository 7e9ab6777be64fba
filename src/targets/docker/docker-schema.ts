import { z } from 'zod';

const containerServiceSchema = (defaultImage: string) =>
  z
    .strictObject({
      /** A local image (no registry is consulted): the reference images are built by `npm run images`. */
      image: z.string().min(1),
      /** The port the service listens on inside the container; {{port}} is filled with it. */
      port: z.number().int().positive().max(65_535).default(8080),
    })
    .prefault({ image: defaultImage });

/** `target: { kind: 'docker' }`: V1 and V2 as containers of their images on the run's own network. */
export const dockerTargetSchema = z.strictObject({
  kind: z.literal('docker'),
  v1: containerServiceSchema('drill-pipeline-v1:latest'),
  v2: containerServiceSchema('drill-pipeline-v2:latest'),
  /** The ephemeral database's image; needs POSTGRES_USER/PASSWORD/DB and pg_isready like the official one. */
  postgresImage: z.string().min(1).default('drill-postgres:latest'),
  /** Build the reference images of containers/ that are missing or out of date before the run. */
  buildImages: z.boolean().default(true),
  /** `harness`: containers run as the harness's uid:gid, so their output files belong to the user; `image`: the image's own user. */
  runAs: z.enum(['harness', 'image']).default('harness'),
  /** When no engine answers: `process` runs the drills on local processes and says why; absent, the run stops (exit 3). */
  fallback: z.literal('process').optional(),
  /** How long the engine may take to answer the first ping. */
  engineTimeoutMs: z.number().int().positive().default(5000),
});

export type DockerTargetConfig = z.output<typeof dockerTargetSchema>;
