import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { pidAlive } from '../util/pid-alive.ts';
import { startAzurite } from './azurite.ts';
import { azuriteConnectionString } from './connection-string.ts';
import { publishedOutputs } from './published-outputs.ts';

describe('Azurite started by the harness', () => {
  it('listens on a port of its own choosing, gives each test a container, lists what was published, and stops', async () => {
    const azurite = await startAzurite({ host: '127.0.0.1', startTimeoutMs: 30_000, probeTimeoutMs: 1000 });
    try {
      expect(azurite.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(azurite.description).toMatch(/^Azurite \d+\.\d+\.\d+ at http:\/\/127\.0\.0\.1:\d+$/);
      const container = await azurite.containerFor('data-validation');
      expect(container.name).toMatch(/^drill-data-validation-[0-9a-f]{6}$/);
      expect(await container.probe()).toBe(true);
      expect(await container.list('metrics/')).toEqual(new Map());
      // What a pipeline publishes, through the connection string the services get.
      const published = BlobServiceClient.fromConnectionString(container.serviceConnectionString).getContainerClient(container.name);
      await published.getBlockBlobClient('metrics/2024-12-31/v1-a.parquet').uploadData(Buffer.from('PAR1-----PAR1'));
      expect(await container.list('metrics/')).toEqual(new Map([['metrics/2024-12-31/v1-a.parquet', 13]]));
      await container.dispose();
      expect(await container.probe()).toBe(false);
    } finally {
      await azurite.stop();
    }
  });

  it('names every output missing from the container or published with another size', async () => {
    const azurite = await startAzurite({ host: '127.0.0.1', startTimeoutMs: 30_000, probeTimeoutMs: 1000 });
    const outputDir = await mkdtemp(join(tmpdir(), 'drill-published-'));
    try {
      const container = await azurite.containerFor('roll-forward');
      await mkdir(join(outputDir, 'metrics', '2024-12-31'), { recursive: true });
      const files = ['a', 'b', 'c'].map((n) => join(outputDir, 'metrics', '2024-12-31', `${n}.parquet`));
      for (const file of files) await writeFile(file, 'PAR1-1234-PAR1');
      const blobs = BlobServiceClient.fromConnectionString(container.serviceConnectionString).getContainerClient(container.name);
      await blobs.getBlockBlobClient('metrics/2024-12-31/a.parquet').uploadData(Buffer.from('PAR1-1234-PAR1'));
      await blobs.getBlockBlobClient('metrics/2024-12-31/b.parquet').uploadData(Buffer.from('PAR1'));
      expect(await publishedOutputs(container, outputDir, files)).toEqual({
        found: 1,
        missing: ['metrics/2024-12-31/b.parquet (4 bytes in blob storage, 14 on disk)', `metrics/2024-12-31/c.parquet (not in container ${container.name})`],
      });
    } finally {
      await azurite.stop();
      await rm(outputDir, { recursive: true, force: true });
    }
  });

  it('once stopped, a probe answers false within its timeout instead of retrying', async () => {
    const azurite = await startAzurite({ host: '127.0.0.1', startTimeoutMs: 30_000, probeTimeoutMs: 500 });
    const container = await azurite.containerFor('dry-run');
    await azurite.stop();
    const started = performance.now();
    expect(await container.probe()).toBe(false);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('exits on its own when the process that started it is killed without stopping it', async () => {
    const script = [
      "import { startAzurite } from './src/blob/azurite.ts';",
      "const a = await startAzurite({ host: '127.0.0.1', startTimeoutMs: 30000, probeTimeoutMs: 500 });",
      "console.log('pid ' + a.pid);",
      'setInterval(() => undefined, 1000);',
    ].join(' ');
    const parent = execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), reject: false, buffer: false });
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout!.on('data', (chunk: Buffer) => {
        const match = /pid (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      void parent.then(() => reject(new Error('the parent exited before Azurite listened')));
    });
    expect(pidAlive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await parent;
    // No request is made: a write to the dead parent's pipe would end Azurite anyway, and prove nothing.
    await expect.poll(() => pidAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
  });

  it('an address it cannot listen on is named with what Azurite said', async () => {
    await expect(startAzurite({ host: '203.0.113.7', startTimeoutMs: 30_000, probeTimeoutMs: 500 })).rejects.toThrow(
      /Azurite \(blob storage\) exited before listening on 203\.0\.113\.7; it said: .*(EADDRNOTAVAIL|address)/i,
    );
  });

  it('the connection string the services get points at the account path of the endpoint', () => {
    expect(azuriteConnectionString('http://10.1.2.1:4000')).toContain('BlobEndpoint=http://10.1.2.1:4000/devstoreaccount1;');
  });
});
