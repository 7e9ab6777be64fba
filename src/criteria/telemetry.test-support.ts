import { parseTelemetry } from './read-telemetry.ts';
import type { Baseline, Sample, Telemetry } from './telemetry-schema.ts';

export const start = Date.parse('2026-03-02T10:00:00Z');

/** ISO time `seconds` after the start of the test series. */
export const at = (seconds: number): string => new Date(start + seconds * 1000).toISOString();

/** Samples as [seconds after start, fields]; validated like a telemetry file, so tests cannot feed what the CLI would refuse. */
export function series(points: [number, Omit<Sample, 't'>][], baseline?: Baseline): Telemetry {
  return parseTelemetry({ ...(baseline ? { baseline } : {}), samples: points.map(([s, fields]) => ({ t: at(s), ...fields })) }, 'test');
}

/** One reading every `every` seconds from 0 to `until` inclusive, plus the exact end point when it falls between. */
export function steady(until: number, fields: Omit<Sample, 't'>, every = 30): [number, Omit<Sample, 't'>][] {
  const out: [number, Omit<Sample, 't'>][] = [];
  for (let s = 0; s < until; s += every) out.push([s, fields]);
  out.push([until, fields]);
  return out;
}

/** The same fields at each of these seconds after the start. */
export function readings(seconds: number[], fields: Omit<Sample, 't'>): [number, Omit<Sample, 't'>][] {
  return seconds.map((s) => [s, fields]);
}
