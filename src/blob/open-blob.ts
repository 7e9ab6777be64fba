import type { BlobConfig } from './blob-schema.ts';
import type { BlobStorage } from './blob-storage.ts';
import { openAccount } from './account.ts';
import { startAzurite } from './azurite.ts';

export interface OpenBlobOptions {
  /** The address services reach servers the harness starts at (a container network's gateway, or 127.0.0.1). */
  serviceHost: string;
  env: NodeJS.ProcessEnv;
  onLogLine?: (line: string) => void;
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
