import { describe, expect, it } from 'vitest';
import { CleanupStack } from './cleanup-stack.ts';

describe('CleanupStack', () => {
  it('runs cleanups in reverse order of acquisition, even when one fails', async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.defer('postgres', () => order.push('postgres'));
    stack.defer('v2', () => {
      order.push('v2');
      throw new Error('v2 would not die');
    });
    stack.defer('v1', async () => order.push('v1'));
    const records = await stack.runAll();
    expect(order).toEqual(['v1', 'v2', 'postgres']);
    expect(records.map((r) => [r.label, r.status])).toEqual([
      ['v1', 'passed'],
      ['v2', 'error'],
      ['postgres', 'passed'],
    ]);
    expect(records[1]!.error).toBe('v2 would not die');
  });

  it('is empty after running, so nothing runs twice', async () => {
    let runs = 0;
    const stack = new CleanupStack();
    stack.defer('once', () => runs++);
    await stack.runAll();
    await stack.runAll();
    expect(runs).toBe(1);
  });
});
