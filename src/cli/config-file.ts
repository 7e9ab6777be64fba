import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HarnessError } from '../errors.ts';

const defaultConfigs = ['drill.config.ts', 'drill.config.json', 'drill.config.yaml', 'drill.config.yml'];

/** `--config <file>`, else the first drill.config.* of the working folder (run and validate alike). */
export function configFileOf(given: string | undefined): string {
  const file = given ?? defaultConfigs.find((f) => existsSync(resolve(f)));
  if (!file) throw new HarnessError(`no config file: pass --config or create one of ${defaultConfigs.join(', ')}`);
  return file;
}
