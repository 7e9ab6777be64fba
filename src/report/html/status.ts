import type { RunStatus } from '../../journal/journal-types.ts';
import { html, type SafeHtml } from './html.ts';

/** A coloured status label; `status-<x>` classes are also what tests and readers of the DOM key on. */
export function statusBadge(status: string | undefined): SafeHtml {
  const s = status ?? 'none';
  return html`<span class="status status-${s}" data-status="${s}">${status ?? 'not run'}</span>`;
}

/** What each run verdict means for the rollback, in the words of the exit codes. */
export const verdictMeaning: Record<RunStatus, string> = {
  passed: 'The rollback is safe: every test of the drill passed.',
  failed: 'The rollback is NOT safe: a drill check failed.',
  inconclusive: 'Inconclusive: a precondition failed or a check had nothing to measure; the rollback was not proven.',
  error: 'The harness failed: the drill could not judge the rollback.',
  interrupted: 'Interrupted: the drill was stopped before it finished; nothing is proven.',
};
