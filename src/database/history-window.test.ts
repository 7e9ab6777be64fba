import { describe, expect, it } from 'vitest';
import { periodsThatMayChange, type HistorySnapshot } from './history.ts';

const fingerprint = { rows: 1, hash: 'h' };
// Ordered as the period column orders them (numbers as numbers): '9' before '10'.
const snapshot: HistorySnapshot = { periods: { '8': fingerprint, '9': fingerprint, '10': fingerprint }, order: ['8', '9', '10'], takenAt: '' };
const base = { query: 'select 1', periodColumn: 'p', keyColumns: ['p'] };

describe('periods that may legitimately change during a drill', () => {
  it('the latest N in the column’s own order, not by string sort', () => {
    expect(periodsThatMayChange({ ...base, mayChange: { kind: 'latest', count: 1 } }, snapshot)).toEqual(['10']);
    expect(periodsThatMayChange({ ...base, mayChange: { kind: 'latest', count: 2 } }, snapshot)).toEqual(['9', '10']);
    expect(periodsThatMayChange({ ...base, mayChange: { kind: 'latest', count: 0 } }, snapshot)).toEqual([]);
    expect(periodsThatMayChange(base, snapshot)).toEqual(['10']);
  });

  it('those at or after an expression, as the snapshot found them', () => {
    expect(periodsThatMayChange({ ...base, mayChange: { kind: 'from', expression: '9' } }, { ...snapshot, fromBoundary: ['9', '10'] })).toEqual(['9', '10']);
  });

  it('those the arrived records fall in', () => {
    expect(periodsThatMayChange({ ...base, mayChange: { kind: 'touched-by-arrivals', query: 'select 1' } }, snapshot, ['8'])).toEqual(['8']);
  });
});
