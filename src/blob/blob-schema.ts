import { z } from 'zod';

const probeTimeoutMs = z.number().int().positive().default(2000);

/**
 * Where the pipeline publishes its outputs besides local files, and the harness probes during every
 * drill (`dependencies.blob`). `azurite`: the harness starts the emulator itself for the run, one
 * container per test. `account`: a real account; the connection string stays in the environment.
 */
export const blobSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('azurite'),
    startTimeoutMs: z.number().int().positive().default(30_000),
    probeTimeoutMs,
  }),
  z.strictObject({
    kind: z.literal('account'),
    connectionStringEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
    container: z.string().regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, 'a container name: 3–63 of a-z, 0-9 and single hyphens'),
    probeTimeoutMs,
  }),
]);

export type BlobConfig = z.output<typeof blobSchema>;
