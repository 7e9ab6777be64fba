import type { Decision } from './decision-types.ts';
import { formatDuration, formatValue } from './format-criterion.ts';

/** The terminal form of a decision: what fired and since when, what was held back and why, what had no data. */
export function describeDecision(decision: Decision): string {
  const lines = [`decision: ${decision.decision.toUpperCase()} (${decision.samples} samples${decision.from ? `, ${decision.from} → ${decision.to}` : ''})`];
  if (decision.fired.length > 0) {
    lines.push('fired:');
    for (const f of decision.fired) {
      const held = f.heldMs === undefined ? '' : `, held ${formatDuration(f.heldMs)} since ${f.firstHeldAt}`;
      const window = f.windowMs === undefined ? '' : ` within ${formatDuration(f.windowMs)} (first at ${f.firstHeldAt})`;
      lines.push(`  - ${f.id}: ${f.title} — ${formatValue(f.value, f.unit)} at ${f.firedAt}${held}${window}${f.detail ? ` (${f.detail})` : ''}`);
    }
  }
  if (decision.heldBack.length > 0) {
    lines.push('held back:');
    for (const h of decision.heldBack) lines.push(`  - ${h.rule} (${h.criterion}): ${h.reason}`);
  }
  const silent = decision.evaluated.filter((e) => e.status === 'no-data' || e.status === 'not-measured' || e.status === 'disabled');
  if (silent.length > 0) {
    lines.push('not evaluated:');
    for (const e of silent) lines.push(`  - ${e.id}: ${e.status}${e.note ? ` (${e.note})` : ''}`);
  }
  const clear = decision.evaluated.filter((e) => e.status === 'clear').map((e) => e.id);
  if (clear.length > 0) lines.push(`clear: ${clear.join(', ')}`);
  return lines.join('\n');
}
