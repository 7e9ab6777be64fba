import { randomBytes } from 'node:crypto';

/** Sortable and unique: 2026-11-25T17-55-03Z-3fa9c1. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replaceAll(':', '-')}Z-${randomBytes(3).toString('hex')}`;
}
