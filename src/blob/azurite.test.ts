import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { AZURITE_INSTALL, AZURITE_VERSION, locateAzurite, type ResolveModule } from './azurite.ts';
import { assertBlobInstalled } from './open-blob.ts';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** What Node's resolver throws for a package that is not installed. */
const notInstalled: ResolveModule = (specifier) => {
  throw Object.assign(new Error(`Cannot find package '${specifier.split('/')[0]}' imported from /x.js`), { code: 'ERR_MODULE_NOT_FOUND' });
};

describe('Azurite, an optional package', () => {
  it('is a devDependency of the version the install command names, and no runtime dependency', () => {
    expect(manifest.devDependencies['azurite']).toBe(AZURITE_VERSION);
    expect(manifest.dependencies['azurite']).toBeUndefined();
    expect(AZURITE_INSTALL).toBe(`npm install --save-dev azurite@${AZURITE_VERSION}`);
  });

  it('where installed: its blob server script and its version', () => {
    const { script, version } = locateAzurite();
    expect(existsSync(script), script).toBe(true);
    expect(version).toBe(AZURITE_VERSION);
  });

  it('where not installed: a HarnessError (exit 3) naming the package and the exact install command', () => {
    const attempt = () => locateAzurite(notInstalled);
    expect(attempt).toThrow(HarnessError);
    expect(attempt).toThrow(`blob: { kind: 'azurite' } needs the package 'azurite' (the Azure Storage emulator), which is not installed`);
    expect(attempt).toThrow('`npm install --save-dev azurite@3.35.0`');
  });

  it('any other resolution failure is not disguised as "not installed"', () => {
    const broken: ResolveModule = () => {
      throw Object.assign(new Error('Invalid package config azurite/package.json'), { code: 'ERR_INVALID_PACKAGE_CONFIG' });
    };
    expect(() => locateAzurite(broken)).toThrow('Invalid package config');
    expect(() => locateAzurite(broken)).not.toThrow(HarnessError);
  });

  it('is looked for only when the config asks for it', () => {
    expect(() => assertBlobInstalled({ kind: 'account', connectionStringEnv: 'BLOB_CS', container: 'kpis', probeTimeoutMs: 2000 }, notInstalled)).not.toThrow();
    expect(() => assertBlobInstalled(undefined, notInstalled)).not.toThrow();
    expect(() => assertBlobInstalled({ kind: 'azurite', startTimeoutMs: 30_000, probeTimeoutMs: 1000 }, notInstalled)).toThrow(HarnessError);
  });
});
