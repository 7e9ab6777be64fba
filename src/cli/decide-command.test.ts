import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { decideCommand } from './decide-command.ts';

const corpus = (name: string) => fileURLToPath(new URL(`../criteria/corpus/${name}`, import.meta.url));

function capture() {
  let text = '';
  return { io: { out: { write: (chunk: string) => (text += chunk) } }, text: () => text };
}

describe('decideCommand', () => {
  it('returns 1 and prints what fired and since when', async () => {
    const out = capture();
    expect(await decideCommand({ telemetry: corpus('rollback-database-outage.json') }, out.io)).toBe(1);
    expect(out.text()).toContain('decision: ROLLBACK');
    expect(out.text()).toContain('database-unavailable: Database unavailable > 5 min — unavailable at 2026-03-02T10:07:01Z, held 5 m 1 s since 2026-03-02T10:02:00Z');
  });

  it('returns 0 and prints the held-back reason', async () => {
    const out = capture();
    expect(await decideCommand({ telemetry: corpus('continue-short-degradation.json') }, out.io)).toBe(0);
    expect(out.text()).toContain('temporary-degradation (cpu): CPU > 90%: degradation lasted 1 m 40 s < 2 min');
  });

  it('prints JSON with --json', async () => {
    const out = capture();
    await decideCommand({ telemetry: corpus('continue-isolated-retryable-error.json'), json: true }, out.io);
    expect(JSON.parse(out.text())).toMatchObject({ decision: 'continue', fired: [], heldBack: [{ rule: 'isolated-retryable-error', criterion: 'error-rate' }] });
  });

  it('throws a HarnessError (exit 3) for bad input', async () => {
    await expect(decideCommand({ telemetry: corpus('bad-input-out-of-order.json') }, capture().io)).rejects.toThrow(HarnessError);
  });
});
