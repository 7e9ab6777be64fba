import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { HarnessError } from '../errors.ts';
import { waitFor } from '../util/wait-for.ts';
import type { BlobStorage } from './blob-storage.ts';
import { azuriteConnectionString, AZURITE_KEY } from './connection-string.ts';
import { containerName, sdkContainer } from './sdk-container.ts';

export interface AzuriteOptions {
  /** The address Azurite listens on: 127.0.0.1 for local processes, the run network's gateway for containers. */
  host: string;
  startTimeoutMs: number;
  probeTimeoutMs: number;
  stopGraceMs?: number;
  /** Each line Azurite prints (its own log), already split. */
  onLogLine?: (line: string) => void;
}

/** PATH, and TMPDIR so that a run's own temporary folder is where Azurite (and any test looking for leftovers) finds it. */
function azuriteEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
  if (process.env['TMPDIR']) env['TMPDIR'] = process.env['TMPDIR'];
  return env;
}

const LEASH = fileURLToPath(new URL('./parent-leash.mjs', import.meta.url));

const LISTENING = /successfully listens on (http:\/\/\S+)/;

/**
 * The azurite version the harness is tested with: its devDependency (a unit test keeps the two equal), named
 * in the install command when it is missing.
 */
export const AZURITE_VERSION = '3.35.0';
export const AZURITE_INSTALL = `npm install --save-dev azurite@${AZURITE_VERSION}`;

/** Node's ESM resolution from this module, as the harness loads packages; a test passes one that finds nothing. */
export type ResolveModule = (specifier: string) => string;
const resolveHere: ResolveModule = (specifier) => import.meta.resolve(specifier);

/**
 * Where Azurite's blob server is installed. Azurite is no dependency of the harness (it brings over 300 packages
 * that only the emulator needs), so a config asking for it where it is not installed is a HarnessError
 * (exit 3) naming the package and the command that installs it, raised before the run starts anything.
 */
export function locateAzurite(resolve: ResolveModule = resolveHere): { script: string; version: string } {
  let manifest: string;
  try {
    manifest = fileURLToPath(resolve('azurite/package.json'));
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new HarnessError(
      `blob: { kind: 'azurite' } needs the package 'azurite' (the Azure Storage emulator), which is not installed: ` +
        `rollback-drill does not install it itself. Install it beside rollback-drill with \`${AZURITE_INSTALL}\`, ` +
        `or point blob at a storage account: { kind: 'account', … }`,
    );
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { script: join(dirname(manifest), 'dist', 'src', 'blob', 'main.js'), version };
}

/**
 * Azurite's blob service as a child process: in memory, on a port the OS picks, offline
 * (no telemetry), ready when it prints the address it listens on.
 */
export async function startAzurite(options: AzuriteOptions): Promise<BlobStorage & { readonly endpoint: string; readonly pid: number | undefined; kill(): void }> {
  const { script, version } = locateAzurite();
  const child: ResultPromise = execa(
    process.execPath,
    [
      '--import',
      LEASH,
      script,
      '--blobHost',
      options.host,
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '512',
      '--skipApiVersionCheck',
      '--loose',
      '--disableTelemetry',
    ],
    { reject: false, all: true, buffer: false, cleanup: true, env: azuriteEnv(), extendEnv: false },
  );
  let endpoint: string | undefined;
  const recent: string[] = [];
  let rest = '';
  child.all?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      endpoint ??= LISTENING.exec(line)?.[1];
      recent.push(line);
      if (recent.length > 20) recent.shift();
      options.onLogLine?.(line);
    }
  });
  let exited = false;
  void child.then(() => (exited = true));
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error('exited');
        return endpoint;
      },
      {
        timeoutMs: options.startTimeoutMs,
        intervalMs: 25,
        what: `Azurite (blob storage) to listen on ${options.host}`,
      },
    );
  } catch (error) {
    child.kill('SIGKILL');
    await child;
    const said =
      recent
        .filter((l) => l.trim())
        .slice(-5)
        .join(' | ') || 'nothing';
    throw new HarnessError(exited ? `Azurite (blob storage) exited before listening on ${options.host}; it said: ${said}` : `${(error as Error).message}; it said: ${said}`);
  }
  const address = endpoint!;
  const connectionString = azuriteConnectionString(address);
  return {
    description: `Azurite ${version} at ${address}`,
    endpoint: address,
    pid: child.pid,
    secrets: [AZURITE_KEY],
    containerFor: (testId) =>
      sdkContainer({
        harnessConnectionString: connectionString,
        serviceConnectionString: connectionString,
        name: containerName(testId, randomBytes(3).toString('hex')),
        probeTimeoutMs: options.probeTimeoutMs,
        owned: true,
      }),
    kill: () => void child.kill('SIGKILL'),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? 5000);
      await child;
      clearTimeout(timer);
    },
  };
}
