import { HarnessError } from '../errors.ts';
import type { BlobStorage } from './blob-storage.ts';
import { blobEndpointOf, connectionStringSecrets } from './connection-string.ts';
import { sdkContainer } from './sdk-container.ts';

export interface AccountOptions {
  /** The variable holding the connection string (it is a secret: never in the config file). */
  connectionStringEnv: string;
  /** The container the pipeline publishes to; the harness neither creates nor deletes it. */
  container: string;
  probeTimeoutMs: number;
}

/** A real storage account (or an Azurite the team runs itself), named by a connection string in the environment. */
export function openAccount(options: AccountOptions, env: NodeJS.ProcessEnv): BlobStorage {
  const connectionString = env[options.connectionStringEnv];
  if (!connectionString) throw new HarnessError(`blob.connectionStringEnv names ${options.connectionStringEnv}, which is not set`);
  return {
    description: `account at ${blobEndpointOf(connectionString)}, container ${options.container}`,
    secrets: connectionStringSecrets(connectionString),
    containerFor: () =>
      sdkContainer({
        harnessConnectionString: connectionString,
        serviceConnectionString: connectionString,
        name: options.container,
        probeTimeoutMs: options.probeTimeoutMs,
        owned: false,
      }),
    stop: async () => undefined,
  };
}
