import { access, constants } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { HarnessError } from '../errors.ts';

/** Debian's browser: the harness never downloads one (no browser host is reachable from CI). */
export const defaultChromium = '/usr/bin/chromium';
export const chromiumInstall = 'apt-get install -y chromium';

/** DRILL_CHROMIUM overrides the path, e.g. for a Chromium installed elsewhere. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['DRILL_CHROMIUM'] || defaultChromium;
}

/** The executable's path, or undefined when it is not there to run. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const path = chromiumPath(env);
  return access(path, constants.X_OK).then(
    () => path,
    () => undefined,
  );
}

export function missingChromiumMessage(env: NodeJS.ProcessEnv = process.env): string {
  return `headless Chromium not found at ${chromiumPath(env)}: install Debian's with \`${chromiumInstall}\` or set DRILL_CHROMIUM to its path`;
}

export async function requireChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = await findChromium(env);
  if (!path) throw new HarnessError(missingChromiumMessage(env));
  return path;
}

/** Starts headless Chromium through playwright-core; the caller closes it (await using, or close()). */
export async function launchChromium(executablePath: string): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath, headless: true, timeout: 60_000 });
  } catch (error) {
    throw new HarnessError(`could not start headless Chromium (${executablePath}): ${(error as Error).message.split('\n')[0]}`);
  }
}
