import { z } from 'zod';
import { defineTargetPlugin } from '../target-plugin.ts';

export const processTargetSchema = z
  .strictObject({ kind: z.literal('process') })
  .describe('V1 and V2 as local child processes, each leading its own process group (docs/targets/process.md).');

export type ProcessTargetConfig = z.output<typeof processTargetSchema>;

/** `target: { kind: 'process' }`: V1 and V2 as local child processes, each leading its own process group. */
export const processTarget = defineTargetPlugin({
  kind: 'process',
  description: 'local processes',
  schema: processTargetSchema,
  open: async () => (await import('./process-target.ts')).processSession(),
});
