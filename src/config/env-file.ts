import { readFile } from 'node:fs/promises';
import { HarnessError } from '../errors.ts';

/**
 * Parses a dotenv-style file (`KEY=VALUE`, `export KEY=VALUE`, `#` comments, optional quotes),
 * as the runbook's `source /etc/abaco/v1-pipeline.env` would. No variable expansion: the file is
 * data, not a script.
 */
export function parseEnvFile(text: string, origin: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new HarnessError(`${origin}:${index + 1}: not a KEY=VALUE line: ${JSON.stringify(line)}`);
    const [, key, value = ''] = match;
    env[key!] = unquote(value);
  });
  return env;
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value);
  if (quoted) return quoted[1] === '"' ? quoted[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"') : quoted[2]!;
  return value.replace(/\s+#.*$/, '');
}

export async function readEnvFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HarnessError(`environment file ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseEnvFile(text, path);
}
