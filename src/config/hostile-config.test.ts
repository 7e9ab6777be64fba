import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';

/** YAML and JSON configs are data: nothing in them runs, and none can exhaust the harness or pollute prototypes. */
async function write(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'drill-hostile-')), name);
  await writeFile(path, text);
  return path;
}

const service = 'health: { kind: tcp }, run: { kind: none, reason: scheduled }';
const rest = `    v2: { command: node, ${service} }\n`;

describe('hostile configs', () => {
  it('a YAML code tag stays a string: nothing is evaluated', async () => {
    const file = await write(
      'fn.yaml',
      `environments:\n  staging:\n    target: { kind: process }\n    v1: { command: !!js/function "function () { process.exit(9) }", ${service} }\n${rest}`,
    );
    const { config } = await loadConfig(file);
    expect(config.environments['staging']!.v1.command).toBe('function () { process.exit(9) }');
  });

  it('refuses a YAML alias bomb before expanding it', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
    ])
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    const file = await write('bomb.yaml', `${levels.join('\n')}\nenvironments: {}\n`);
    await expect(loadConfig(file)).rejects.toThrow(/is not valid YAML: Excessive alias count/);
  });

  it('refuses a __proto__ key in JSON, naming it, and pollutes nothing', async () => {
    const file = await write('proto.json', '{"__proto__": {"polluted": true}, "environments": {}}');
    await expect(loadConfig(file)).rejects.toThrow(/Unrecognized key: "__proto__"/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
