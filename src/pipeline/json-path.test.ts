import { describe, expect, it } from 'vitest';
import { readJsonPath, snippet } from './json-path.ts';

describe('readJsonPath', () => {
  it('reads nested fields and array items by dotted path', () => {
    const body = { lastRun: { phases: { load: { status: 'succeeded' } } }, items: [{ id: 7 }] };
    expect(readJsonPath(body, 'lastRun.phases.load.status')).toBe('succeeded');
    expect(readJsonPath(body, 'items.0.id')).toBe(7);
  });

  it('is undefined through a missing field or a non-object, never an exception', () => {
    expect(readJsonPath({ a: 1 }, 'a.b')).toBeUndefined();
    expect(readJsonPath('text', 'a')).toBeUndefined();
    expect(readJsonPath(null, 'a')).toBeUndefined();
  });
});

describe('snippet', () => {
  it('keeps messages to one short line', () => {
    expect(snippet('line one\n   line two')).toBe('line one line two');
    expect(snippet({ error: 'bad' })).toBe('{"error":"bad"}');
    expect(snippet('a'.repeat(300), 10)).toBe(`${'a'.repeat(10)}…`);
  });
});
