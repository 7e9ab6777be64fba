import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drill } from './helpers/cli.ts';

const hidePackages = new URL('./helpers/hide-packages.mjs', import.meta.url).href;

let tmp: string | undefined;
afterEach(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
});

/**
 * Azurite is a devDependency: an installed harness has no emulator unless the user adds it. The real CLI,
 * with Node's resolver told azurite is not installed, on the embedded default (blob: { kind: 'azurite' }).
 */
describe('a config asking for Azurite where it is not installed', () => {
  it('stops before anything starts (exit 3), naming the package and the install command', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'drill-no-azurite-'));
    const reportDir = join(tmp, 'reports');
    const result = await drill(['run', '--env', 'staging', '--report-dir', reportDir], {
      NODE_OPTIONS: `--import=${hidePackages}`,
      HIDE_PACKAGES: 'azurite',
      TMPDIR: tmp,
    });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.all).toContain("blob: { kind: 'azurite' } needs the package 'azurite' (the Azure Storage emulator), which is not installed");
    expect(result.all).toContain('`npm install --save-dev azurite@3.35.0`');
    // Nothing was started: no target was opened (its first line), no run folder, not even the environment's lock.
    expect(result.all).not.toContain('environment staging');
    expect(existsSync(reportDir)).toBe(false);
  });
});
