import { z } from 'zod';

const probeTimeoutMs = z.number().int().positive().default(2000).describe('One probe of the container (`dependencies.blob`) may take this long.');

/**
 * Where the pipeline publishes its outputs besides local files, and the harness probes during every
 * drill (`dependencies.blob`).
 */
export const blobSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('azurite'),
      startTimeoutMs: z.number().int().positive().default(30_000).describe('How long the emulator may take to listen.'),
      probeTimeoutMs,
    })
    .describe('The harness starts Azurite (the Azure Storage emulator) itself for the run, in memory, one container per test.'),
  z
    .strictObject({
      kind: z.literal('account'),
      connectionStringEnv: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
        .describe('The environment variable holding the connection string (never the string itself).'),
      container: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, 'a container name: 3–63 of a-z, 0-9 and single hyphens')
        .describe('The container the pipeline publishes to; neither created nor deleted by the harness.'),
      probeTimeoutMs,
    })
    .describe('A real account; the connection string stays in the environment.'),
]);

export type BlobConfig = z.output<typeof blobSchema>;
