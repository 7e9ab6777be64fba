import { z } from 'zod';

const containerServiceSchema = (defaultImage: string) =>
  z
    .strictObject({
      image: z.string().min(1).describe('A local image (no registry is consulted): the reference images are built by `npm run images`.'),
      port: z.number().int().positive().max(65_535).default(8080).describe('The port the service listens on inside the container; {{port}} is filled with it.'),
    })
    .prefault({ image: defaultImage });

/** `target: { kind: 'docker' }`: V1 and V2 as containers of their images on the run's own network. */
export const dockerTargetSchema = z
  .strictObject({
    kind: z.literal('docker'),
    v1: containerServiceSchema('drill-pipeline-v1:latest').describe("V1's image and port."),
    v2: containerServiceSchema('drill-pipeline-v2:latest').describe("V2's image and port."),
    postgresImage: z
      .string()
      .min(1)
      .default('drill-postgres:latest')
      .describe("The ephemeral database's image; needs POSTGRES_USER/PASSWORD/DB and pg_isready like the official one."),
    buildImages: z.boolean().default(true).describe('Build the reference images of containers/ that are missing or out of date before the run.'),
    runAs: z
      .enum(['harness', 'image'])
      .default('harness')
      .describe("`harness`: containers run as the harness's uid:gid, so their output files belong to the user; `image`: the image's own user."),
    fallback: z
      .literal('process')
      .optional()
      .describe('When no engine answers: `process` runs the drills on local processes and says why (never with CI=true); absent, the run stops (exit 3).'),
    engineTimeoutMs: z.number().int().positive().default(5000).describe('How long the engine may take to answer the first ping.'),
  })
  .describe("V1 and V2 as containers of their images on the run's own network (docs/targets/docker.md).");

export type DockerTargetConfig = z.output<typeof dockerTargetSchema>;
