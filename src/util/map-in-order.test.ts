import { describe, expect, it } from 'vitest';
import { mapInOrder } from './map-in-order.ts';

const settleAfter = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

describe('mapInOrder', () => {
  it('returns results in the items order whatever order they finish in', async () => {
    expect(await mapInOrder([30, 1, 15, 5], 4, (ms, i) => settleAfter(ms, `item ${i}`))).toEqual(['item 0', 'item 1', 'item 2', 'item 3']);
  });

  it('never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    await mapInOrder(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        most = Math.max(most, ++inFlight);
        await settleAfter(i % 4, i);
        inFlight--;
      },
    );
    expect(most).toBe(3);
  });

  it('rejects with the first failing item in order, not the first to fail in time', async () => {
    const run = mapInOrder([40, 1, 20], 3, (ms, i) => settleAfter(ms, `item ${i} failed`, i !== 1));
    await expect(run).rejects.toThrow('item 0 failed');
  });

  it('starts no new call once one failed', async () => {
    const started: number[] = [];
    await expect(mapInOrder([0, 1, 2, 3, 4], 1, async (i) => (started.push(i), i === 1 ? Promise.reject(new Error('no')) : i))).rejects.toThrow('no');
    expect(started).toEqual([0, 1]);
  });

  it('maps nothing to nothing and refuses a limit that is not a positive integer', async () => {
    expect(await mapInOrder([], 4, async () => 1)).toEqual([]);
    await expect(mapInOrder([1], 0, async () => 1)).rejects.toThrow('limit must be a positive integer, got 0');
  });
});
