import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readParquetOutput } from './outputs.ts';

async function parquetFile(dir: string): Promise<string> {
  const path = join(dir, 'kpis.parquet');
  const buffer = parquetWriteBuffer({
    columnData: [{ name: 'kpi', data: ['par30', 'collection_rate', 'active_loans'] }, { name: 'value', data: [0.031, 0.97, 20000] }],
    schema: [
      { name: 'root', num_children: 2 },
      { name: 'kpi', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: 'value', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    ],
  } as Parameters<typeof parquetWriteBuffer>[0]);
  await writeFile(path, new Uint8Array(buffer));
  return path;
}

describe('readParquetOutput', () => {
  it('decodes every row of a valid output file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-outputs-'));
    const path = await parquetFile(dir);
    expect(await readParquetOutput(path, dir)).toMatchObject({ path: 'kpis.parquet', rows: 3 });
  });

  it('names the file of a corrupted output (truncated, or its footer overwritten)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-outputs-'));
    const path = await parquetFile(dir);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readParquetOutput(path, dir)).rejects.toThrow(`output file ${path} is not readable parquet: `);
    const garbled = Buffer.from(bytes);
    garbled.fill(0x41, garbled.length - 40, garbled.length - 8);
    await writeFile(path, garbled);
    await expect(readParquetOutput(path, dir)).rejects.toThrow(`output file ${path} is not readable parquet: `);
  });
});
