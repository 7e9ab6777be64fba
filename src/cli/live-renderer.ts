import type { Redactor } from '../config/redact.ts';
import type { DrillEvent } from '../drill/runner.ts';
import type { CheckRecord, StepRecord } from '../drill/journal-types.ts';
import { formatMs } from '../util/format.ts';

const icons: Record<StepRecord['status'], string> = { passed: '✓', failed: '✗', error: '!', skipped: '-', interrupted: '^' };
const checkIcons: Record<CheckRecord['status'], string> = { passed: '✓', failed: '✗', inconclusive: '?', error: '!', waived: '~' };

/**
 * Shows each step live with its time. On a TTY the running step's line ticks in place; elsewhere
 * (CI logs, pipes) every start and end is a plain line of its own.
 */
export function liveRenderer(out: NodeJS.WriteStream, redactor: Redactor): { onEvent: (e: DrillEvent) => void; dispose: () => void } {
  const tty = out.isTTY === true;
  let ticker: NodeJS.Timeout | undefined;
  const write = (text: string) => out.write(redactor.redact(text));
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
  };

  const onEvent = (event: DrillEvent) => {
    switch (event.type) {
      case 'test-start':
        write(`\n▶ ${event.title} (${event.testId})\n`);
        break;
      case 'step-start': {
        const label = `[${event.step.phase}] ${event.step.title}`;
        if (tty) {
          const draw = () => write(`\r\x1b[2K  … ${label}  ${formatMs(Date.now() - event.startedAt)}`);
          draw();
          ticker = setInterval(draw, 100);
          ticker.unref();
        } else {
          write(`  … ${label}\n`);
        }
        break;
      }
      case 'step-end': {
        stopTicker();
        const r = event.record;
        const time = r.status === 'skipped' ? 'skipped' : formatMs(r.durationMs);
        write(`${tty ? '\r\x1b[2K' : ''}  ${icons[r.status]} [${r.phase}] ${r.title}  ${time}\n`);
        if (r.error) write(indent(r.error, 6, 12));
        if (r.output?.['escalatedToKill'] === true) write(`      grace period of ${String(r.output['graceMs'])} ms ran out: had to kill\n`);
        break;
      }
      case 'check': {
        const c = event.record;
        const value = c.value === null ? '—' : c.unit === 'ms' && typeof c.value === 'number' ? formatMs(c.value) : String(c.value);
        const threshold = c.unit === 'ms' && typeof c.threshold === 'number' ? formatMs(c.threshold) : String(c.threshold);
        write(`  ${checkIcons[c.status]} check ${c.title}: ${value} (threshold ${threshold})${c.message ? ` — ${c.message.split('\n')[0]}` : ''}\n`);
        break;
      }
      case 'test-end': {
        const t = event.record;
        const window = t.rollbackMs === undefined ? '' : `, rollback window ${formatMs(t.rollbackMs)}`;
        write(`■ ${t.id} ${t.status.toUpperCase()} in ${formatMs(t.durationMs)}${window}\n`);
        for (const c of t.cleanup.filter((c) => c.status === 'error')) write(`  ! cleanup "${c.label}" failed: ${c.error}\n`);
        break;
      }
    }
  };
  return { onEvent, dispose: stopTicker };
}

function indent(text: string, spaces: number, maxLines: number): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, maxLines);
  if (lines.length > maxLines) shown.push(`… ${lines.length - maxLines} more lines in the journal`);
  return shown.map((l) => ' '.repeat(spaces) + l).join('\n') + '\n';
}
