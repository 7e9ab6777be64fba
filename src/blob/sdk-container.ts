import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { BlobContainer } from './blob-storage.ts';

export interface SdkContainerOptions {
  /** How the harness reaches the storage. */
  harnessConnectionString: string;
  /** How the services reach it (the same address for local processes, the network gateway for containers). */
  serviceConnectionString: string;
  name: string;
  probeTimeoutMs: number;
  /** Create now and delete at dispose (a container of the harness's own), or use an existing one as is. */
  owned: boolean;
}

/** One try, bounded in time: a probe says "unavailable" instead of retrying for a minute. */
function client(connectionString: string, timeoutMs: number): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1, tryTimeoutInMs: timeoutMs } });
}

/** A BlobContainer over the Azure SDK, for Azurite and real accounts alike. */
export async function sdkContainer(options: SdkContainerOptions): Promise<BlobContainer> {
  const container: ContainerClient = client(options.harnessConnectionString, options.probeTimeoutMs).getContainerClient(options.name);
  const patient: ContainerClient = BlobServiceClient.fromConnectionString(options.harnessConnectionString).getContainerClient(options.name);
  if (options.owned) await patient.create();
  return {
    name: options.name,
    serviceConnectionString: options.serviceConnectionString,
    async probe() {
      try {
        await container.getProperties({ abortSignal: AbortSignal.timeout(options.probeTimeoutMs) });
        return true;
      } catch {
        return false;
      }
    },
    async list(prefix) {
      const blobs = new Map<string, number>();
      for await (const blob of patient.listBlobsFlat({ prefix })) blobs.set(blob.name, blob.properties.contentLength ?? 0);
      return blobs;
    },
    async dispose() {
      if (options.owned) await patient.deleteIfExists();
    },
  };
}

/** Container names: 3–63 of a-z, 0-9 and single hyphens, starting with a letter or digit. */
export function containerName(testId: string, suffix: string): string {
  const base = `drill-${testId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  return `${base.slice(0, 63 - suffix.length - 1)}-${suffix}`.replace(/-+/g, '-');
}
