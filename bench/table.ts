import { median, type Figure, type Measured } from './figure.ts';

/**
 * The benchmark's one table (issue 8), as a Markdown table padded to line up in a terminal:
 * figure | this project (median, min–max) | anchor (label, median) | ratio | goal | met?
 * then each figure's note below it. Pure: the same figures give the same text.
 */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['figure', 'this project: median (min–max) ×n', 'anchor: median', 'ratio', 'goal', 'met?'];
  const rows = figures.map((f) =>
    [
      f.name,
      `${formatValue(median(f.project.samples), f.project.unit)} (${range(f.project)}) ×${f.project.samples.length}`,
      f.anchor ? `${f.anchor.label}: ${formatValue(median(f.anchor.samples), f.anchor.unit)}` : '—',
      formatRatio(ratio(f)),
      f.goal,
      f.met ? 'yes' : 'NO',
    ].map(escapeCell),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const lines = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  const notes = figures.filter((f) => f.note).map((f) => `- ${f.name}: ${f.note}`);
  const legend = 'ratio = how many times better this project is than its anchor (anchor ÷ project for times and sizes, project ÷ anchor for rows/s); > 1: this project is better.';
  return [...lines, '', legend, ...(notes.length ? ['', 'Notes:', ...notes] : [])].join('\n');
}

/** Anchor ÷ project where less is better (ms, MB, x), project ÷ anchor where more is (rows/s); undefined without an anchor. */
export function ratio(figure: Figure): number | undefined {
  if (!figure.anchor) return undefined;
  const project = median(figure.project.samples);
  const anchor = median(figure.anchor.samples);
  return figure.project.unit === 'rows/s' ? project / anchor : anchor / project;
}

export function formatValue(value: number, unit: Measured['unit']): string {
  switch (unit) {
    case 'ms':
      if (Math.abs(value) < 1000) return `${Math.round(value)} ms`;
      if (Math.abs(value) < 60_000) return `${(value / 1000).toFixed(2)} s`;
      return `${Math.trunc(value / 60_000)} m ${((Math.abs(value) % 60_000) / 1000).toFixed(1)} s`;
    case 'MB':
      return `${value.toFixed(1)} MB`;
    case 'rows/s':
      return value >= 1e6 ? `${(value / 1e6).toFixed(2)}M rows/s` : value >= 1e3 ? `${(value / 1e3).toFixed(1)}k rows/s` : `${Math.round(value)} rows/s`;
    case 'x':
      return `${value.toFixed(2)}×`;
    default: {
      const never: never = unit;
      throw new Error(`no format for unit '${String(never)}'`);
    }
  }
}

function range(measured: Measured): string {
  const low = formatValue(Math.min(...measured.samples), measured.unit);
  const high = formatValue(Math.max(...measured.samples), measured.unit);
  return `${low}–${high}`;
}

function formatRatio(value: number | undefined): string {
  if (value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? `${Math.round(value)}×` : value >= 10 ? `${value.toFixed(1)}×` : `${value.toFixed(2)}×`;
}

/** A `|` inside a cell would split the Markdown row. */
function escapeCell(cell: string): string {
  return cell.replaceAll('|', '\\|');
}
