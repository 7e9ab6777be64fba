import { describe, expect, it } from 'vitest';
import { Redactor } from '../redaction/redactor.ts';
import type { DrillEvent } from '../runner/runner.ts';
import { colourEnabled, liveRenderer } from './live-renderer.ts';

const events: DrillEvent[] = [
  { type: 'step-end', testId: 't', record: { id: 'stop-v2', title: 'Stop V2', phase: 'rollback', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1200, status: 'passed' } },
  { type: 'check', testId: 't', record: { id: 'rollback-time', title: 'Rollback time', status: 'failed', value: 400_000, threshold: 300_000, unit: 'ms' } },
];

/** Everything the renderer writes for `events` on a stream that is (or is not) a terminal. */
function render(env: NodeJS.ProcessEnv, isTTY: boolean): string {
  let text = '';
  const renderer = liveRenderer({ isTTY, write: (chunk: string) => ((text += chunk), true) } as never, new Redactor(), env);
  for (const event of events) renderer.onEvent(event);
  renderer.dispose();
  return text;
}

const hasColour = (text: string) => /\x1b\[3\dm/.test(text);

describe('live renderer colour', () => {
  it('colours statuses on a terminal, and not in a pipe', () => {
    const tty = render({}, true);
    expect(tty).toContain('\x1b[32m✓\x1b[39;22m [rollback] Stop V2');
    expect(tty).toContain('\x1b[31m✗\x1b[39;22m check Rollback time');
    expect(hasColour(render({}, false))).toBe(false);
  });

  it('NO_COLOR turns colour off on a terminal', () => {
    const text = render({ NO_COLOR: '1' }, true);
    expect(hasColour(text)).toBe(false);
    expect(text).toContain('✓ [rollback] Stop V2');
  });

  it('FORCE_COLOR turns colour on in a pipe, wins over NO_COLOR, and FORCE_COLOR=0 turns it off', () => {
    expect(hasColour(render({ FORCE_COLOR: '1' }, false))).toBe(true);
    expect(hasColour(render({ FORCE_COLOR: '1', NO_COLOR: '1' }, false))).toBe(true);
    expect(hasColour(render({ FORCE_COLOR: '0' }, true))).toBe(false);
  });

  it('follows the same precedence as a pure decision', () => {
    expect(colourEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: 'false' })).toBe(false);
  });
});
