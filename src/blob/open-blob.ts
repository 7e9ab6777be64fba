import type { BlobConfig } from './blob-schema.ts';
import type { BlobStorage } from './blob-storage.ts';
import { openAccount } from './account.ts';
import { locateAzurite, startAzurite, type ResolveModule } from './azurite.ts';

export interface OpenBlobOptions {
  /** The address services reach servers the harness starts at (a container network's gateway, or 127.0.0.1). */
  serviceHost: string;
  env: NodeJS.ProcessEnv;
  onLogLine?: (line: string) => void;
}

/**
 * What the configured blob storage needs installed, checked before a run starts anything: Azurite is
 * not a dependency of the harness, so `kind: 'azurite'` without it is a HarnessError (exit 3) naming
 * the install command, never a run that fails half-way once Postgres and the target are up.
 */
export function assertBlobInstalled(config: BlobConfig | undefined, resolve?: ResolveModule): void {
  if (config?.kind === 'azurite') locateAzurite(resolve);
}

export async function openBlob(config: BlobConfig, options: OpenBlobOptions): Promise<BlobStorage> {
  switch (config.kind) {
    case 'azurite':
      return startAzurite({
        host: options.serviceHost,
        startTimeoutMs: config.startTimeoutMs,
        probeTimeoutMs: config.probeTimeoutMs,
        ...(options.onLogLine ? { onLogLine: options.onLogLine } : {}),
      });
    case 'account':
      return openAccount(config, options.env);
    default: {
      const never: never = config;
      throw new Error(`no blob storage for kind '${(never as { kind: string }).kind}'`);
    }
  }
}
