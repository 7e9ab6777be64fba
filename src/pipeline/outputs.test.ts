import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { csvRows, readOutput } from './outputs.ts';

async function parquetFile(dir: string): Promise<string> {
  const path = join(dir, 'kpis.parquet');
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'kpi', data: ['par30', 'collection_rate', 'active_loans'] },
      { name: 'value', data: [0.031, 0.97, 20000] },
    ],
    schema: [
      { name: 'root', num_children: 2 },
      { name: 'kpi', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: 'value', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    ],
  } as Parameters<typeof parquetWriteBuffer>[0]);
  await writeFile(path, new Uint8Array(buffer));
  return path;
}

describe('readOutput (parquet)', () => {
  it('decodes every row of a valid output file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-outputs-'));
    const path = await parquetFile(dir);
    expect(await readOutput(path, dir, 'parquet')).toMatchObject({ path: 'kpis.parquet', rows: 3 });
  });

  it('names the file of a corrupted output (truncated, or its footer overwritten)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-outputs-'));
    const path = await parquetFile(dir);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readOutput(path, dir, 'parquet')).rejects.toThrow(`output file ${path} is not readable parquet: `);
    const garbled = Buffer.from(bytes);
    garbled.fill(0x41, garbled.length - 40, garbled.length - 8);
    await writeFile(path, garbled);
    await expect(readOutput(path, dir, 'parquet')).rejects.toThrow(`output file ${path} is not readable parquet: `);
  });
});

describe('readOutput (csv, jsonl, non-empty)', () => {
  it('counts the data rows of a CSV, quoted commas, quotes and line breaks included', () => {
    expect(csvRows('day,region,kpi,value\n2024-01-01,north,revenue,10.5\n2024-01-01,"south, east","say ""hi""",1\n')).toBe(2);
    expect(csvRows('a,b\r\n"x\ny",2\r\n')).toBe(1);
    expect(csvRows('a,b\n')).toBe(0);
  });

  it('names what is wrong with a broken CSV', () => {
    expect(() => csvRows('a,b\n1,2\n3\n')).toThrow('line 3 has 1 fields, the header has 2');
    expect(() => csvRows('a,b\n"1,2\n')).toThrow('a quoted field is never closed');
    expect(() => csvRows('')).toThrow('no header line');
  });

  it('reads JSON lines and names a line that is not JSON; an empty file is not a non-empty output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-outputs-'));
    await writeFile(join(dir, 'ok.jsonl'), '{"a":1}\n\n{"a":2}\n');
    expect(await readOutput(join(dir, 'ok.jsonl'), dir, 'jsonl')).toMatchObject({ path: 'ok.jsonl', rows: 2 });
    await writeFile(join(dir, 'bad.jsonl'), '{"a":1}\n{"a":\n');
    await expect(readOutput(join(dir, 'bad.jsonl'), dir, 'jsonl')).rejects.toThrow(/bad\.jsonl is not readable jsonl: line 2 is not JSON/);
    await writeFile(join(dir, 'empty.bin'), '');
    await expect(readOutput(join(dir, 'empty.bin'), dir, 'non-empty')).rejects.toThrow(/empty\.bin is not readable output: it is empty/);
    await writeFile(join(dir, 'some.bin'), 'x');
    expect(await readOutput(join(dir, 'some.bin'), dir, 'non-empty')).toEqual({ path: 'some.bin', bytes: 1 });
  });
});
