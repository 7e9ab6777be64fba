import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { snapshotHistory } from './history.ts';
import { reconcileRecords } from './record-accounting.ts';

// Invalid configuration is refused before any connection (the DSN points nowhere on purpose).
const dsn = 'postgres://drill:secret@127.0.0.1:1/none';
const accounting = { sourceKeysQuery: 'select 1 as key', processedKeysQuery: 'select 1 as key', quarantinedKeysQuery: 'select 1 as key' };

describe('configuration errors of the database checks', () => {
  it('record accounting names the bad setting', async () => {
    await expect(reconcileRecords(dsn, { ...accounting, buckets: 0 })).rejects.toThrow(HarnessError);
    await expect(reconcileRecords(dsn, { ...accounting, buckets: 0 })).rejects.toThrow(/invalid record accounting config:[\s\S]*buckets/);
    await expect(reconcileRecords(dsn, accounting, { sampleSize: -1 })).rejects.toThrow('sampleSize must be a non-negative integer, got -1');
  });

  it('history names the bad setting', async () => {
    await expect(snapshotHistory(dsn, { query: 'select 1', periodColumn: 'p', keyColumns: [] })).rejects.toThrow(/invalid history config:[\s\S]*keyColumns/);
  });
});
