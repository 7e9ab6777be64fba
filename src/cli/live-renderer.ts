import type { Redactor } from '../redaction/redactor.ts';
import type { DrillEvent } from '../runner/runner.ts';
import type { CheckRecord, StepRecord, TestRecord } from '../journal/journal-types.ts';
import { formatMs } from '../util/format.ts';

const icons: Record<StepRecord['status'], string> = { passed: '✓', failed: '✗', error: '!', skipped: '-', interrupted: '^' };
const checkIcons: Record<CheckRecord['status'], string> = { passed: '✓', failed: '✗', inconclusive: '?', error: '!', waived: '~' };
type Status = StepRecord['status'] | CheckRecord['status'] | TestRecord['status'];
const ansi: Record<Status, string> = { passed: '32', failed: '31', error: '35', inconclusive: '33', interrupted: '33', skipped: '2', waived: '2' };

/**
 * Colour as Node itself decides it: FORCE_COLOR wins ('0' or 'false' turns it off), then NO_COLOR
 * (any non-empty value, no-color.org), then whether the stream is a terminal that is not dumb.
 */
export function colourEnabled(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['NO_COLOR']) return false;
  return out.isTTY === true && env['TERM'] !== 'dumb';
}

/**
 * Shows each step live with its time. On a TTY the running step's line ticks in place; elsewhere
 * (CI logs, pipes) every start and end is a plain line of its own. Statuses are coloured when
 * colourEnabled says so.
 */
export function liveRenderer(
  out: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>,
  redactor: Redactor,
  env: NodeJS.ProcessEnv = process.env,
): { onEvent: (e: DrillEvent) => void; dispose: () => void } {
  const tty = out.isTTY === true;
  const colour = colourEnabled(out, env);
  const paint = (status: Status, text: string) => (colour ? `\x1b[${ansi[status]}m${text}\x1b[39;22m` : text);
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
        write(`${tty ? '\r\x1b[2K' : ''}  ${paint(r.status, icons[r.status])} [${r.phase}] ${r.title}  ${time}\n`);
        if (r.error) write(indent(r.error, 6, 12));
        if (r.output?.['escalatedToKill'] === true) write(`      grace period of ${String(r.output['graceMs'])} ms ran out: had to kill\n`);
        break;
      }
      case 'check': {
        const c = event.record;
        const value = c.value === null ? '—' : c.unit === 'ms' && typeof c.value === 'number' ? formatMs(c.value) : String(c.value);
        const threshold = c.unit === 'ms' && typeof c.threshold === 'number' ? formatMs(c.threshold) : String(c.threshold);
        write(`  ${paint(c.status, checkIcons[c.status])} check ${c.title}: ${value} (threshold ${threshold})${c.message ? ` — ${c.message.split('\n')[0]}` : ''}\n`);
        break;
      }
      case 'test-end': {
        const t = event.record;
        const window = t.rollbackMs === undefined ? '' : `, rollback window ${formatMs(t.rollbackMs)}`;
        write(`■ ${t.id} ${paint(t.status, t.status.toUpperCase())} in ${formatMs(t.durationMs)}${window}\n`);
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
  return `${shown.map((l) => ' '.repeat(spaces) + l).join('\n')}\n`;
}
