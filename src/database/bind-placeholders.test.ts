import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { bindPlaceholders, placeholdersIn } from './bind-placeholders.ts';

describe('bindPlaceholders', () => {
  it('turns each {{name}} into a typed bind parameter, the same name into the same parameter', () => {
    const bound = bindPlaceholders(
      'select count(*) from k where run_id = {{runId}} or (computed_at >= {{ runStartedAt }} and run_id <> {{runId}})',
      {
        runId: { value: 'v1-x', type: 'text' },
        runStartedAt: { value: '2026-12-04T10:00:00Z', type: 'timestamptz' },
      },
      'validation.kpiRows.query',
    );
    expect(bound.text).toBe('select count(*) from k where run_id = $1::text or (computed_at >= $2::timestamptz and run_id <> $1::text)');
    expect(bound.values).toEqual(['v1-x', '2026-12-04T10:00:00Z']);
  });

  it('never splices a value into the text', () => {
    const bound = bindPlaceholders('select {{runId}}', { runId: { value: "'; drop table x; --", type: 'text' } }, 'q');
    expect(bound.text).toBe('select $1::text');
  });

  it('names the setting and what it may use when a placeholder is not available', () => {
    expect(() => bindPlaceholders('select {{runId}}', { runStartedAt: { value: 'x', type: 'timestamptz' }, runId: undefined }, 'validation.kpiRows.query')).toThrow(
      new HarnessError('validation.kpiRows.query uses {{runId}}, which is not available there (available: {{runStartedAt}})'),
    );
  });

  it('lists the placeholders a query uses', () => {
    expect(placeholdersIn('a {{x}} b {{ y }} c {{x}}')).toEqual(['x', 'y']);
  });
});
