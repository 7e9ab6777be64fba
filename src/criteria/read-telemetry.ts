import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatIssues } from '../util/zod-issues.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { telemetrySchema, type Telemetry } from './telemetry-schema.ts';

/** Reads and validates a telemetry file; every problem is a HarnessError (exit 3) naming the file and the field path. */
export async function readTelemetry(file: string): Promise<Telemetry> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HarnessError(`telemetry ${path} cannot be read: ${errorMessage(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new HarnessError(`telemetry ${path} is not valid JSON: ${errorMessage(error)}`);
  }
  return parseTelemetry(raw, path);
}

export function parseTelemetry(raw: unknown, origin: string): Telemetry {
  const result = telemetrySchema.safeParse(raw);
  if (result.success) return result.data;
  throw new HarnessError(`invalid telemetry ${origin}:\n${formatIssues(result.error.issues)}`);
}
