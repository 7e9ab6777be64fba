import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { onTestFinished } from 'vitest';
import reference from '../../drill.config.ts';
import orders from '../../fixtures/orders/drill.config.ts';
import { repoRoot } from './cli.ts';

type Staging = Record<string, any>;

export interface TestRun {
  dir: string;
  configFile: string;
  reportDir: string;
  /** Put in V1's and V2's environment: finds any of their processes left running. */
  marker: string;
  /** TMPDIR for the harness: its ephemeral Postgres lives below it, so leftovers are found by path. */
  tmp: string;
}

/**
 * Writes the reference staging config as JSON into a fresh folder, with paths made absolute and
 * a marker in V1/V2's environment, after letting the test change it.
 */
export async function testRun(change: (staging: Staging) => void = () => undefined, pair: 'abaco' | 'orders' = 'abaco'): Promise<TestRun> {
  const dir = await mkdtemp(join(tmpdir(), 'drill-it-'));
  removeWhenPassed(dir);
  const marker = `drill-it-${randomUUID()}`;
  const staging = structuredClone((pair === 'orders' ? orders : reference).environments['staging']) as Staging;
  // The pair's own folder: relative paths of its config are relative to it.
  const base = pair === 'orders' ? join(repoRoot, 'fixtures/orders') : repoRoot;
  const abs = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const commands = [...staging['setup'], staging['v1'], staging['v2'], staging['cutover'], ...(staging['failure']?.setup ?? [])];
  for (const command of commands.filter(Boolean)) command.cwd = repoRoot;
  if (staging['v1'].envFile) staging['v1'].envFile = abs(staging['v1'].envFile);
  staging['v1'].requiredFiles = staging['v1'].requiredFiles.map(abs);
  for (const key of ['v1', 'v2']) staging[key].env = { ...staging[key].env, DRILL_IT_MARKER: marker };
  // Local processes unless the test says otherwise: the container target has its own tests.
  staging['target'] = { kind: 'process' };
  change(staging);
  const configFile = join(dir, 'drill.config.json');
  await writeFile(configFile, JSON.stringify({ environments: { staging } }, null, 2));
  // World-traversable, like /tmp: the ephemeral Postgres runs as an unprivileged account when we are root.
  const tmp = join(dir, 'tmp');
  await mkdir(tmp, { mode: 0o1777 });
  await chmod(tmp, 0o1777);
  await chmod(dir, 0o755);
  return { dir, configFile, reportDir: join(dir, 'reports'), marker, tmp };
}

/**
 * The folder (config, reports with their backups and outputs: up to 25 MB) goes when the test that made
 * it passes, after its afterEach checks; a failed test's stays for diagnosis. One made outside a test
 * (in a beforeAll) stays: the file's tests share it.
 */
function removeWhenPassed(dir: string): void {
  try {
    onTestFinished(async ({ task }) => {
      if (task.result?.state === 'pass') await rm(dir, { recursive: true, force: true });
    });
  } catch {
    // Not inside a test.
  }
}
