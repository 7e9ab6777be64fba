/**
 * Blob storage the pipeline publishes its outputs to (the seed's "blob storage" external system).
 * One interface, one file per implementation: azurite.ts (the emulator the harness starts itself),
 * account.ts (a real account named by a connection string in the environment). Opened by open-blob.ts.
 */
export interface BlobStorage {
  /** For the run's first lines and the journal: "Azurite 3.35.0 at http://127.0.0.1:41234" (never a key). */
  readonly description: string;
  /** Secrets of the connection strings, for the redactor. */
  readonly secrets: string[];
  /** A container for one test: created when the storage is the harness's own, the configured one otherwise. */
  containerFor(testId: string): Promise<BlobContainer>;
  /** Stops what the harness started (the emulator); a real account is left as it is. */
  stop(): Promise<void>;
}

export interface BlobContainer {
  readonly name: string;
  /** What the services are given (BLOB_CONNECTION_STRING): the address they reach the storage at. */
  readonly serviceConnectionString: string;
  /** Whether the storage answers for this container now, within the probe timeout. */
  probe(): Promise<boolean>;
  /** Names and sizes of the blobs under a prefix. */
  list(prefix: string): Promise<Map<string, number>>;
  /** Removes the container when the harness created it. */
  dispose(): Promise<void>;
}
