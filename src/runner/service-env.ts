// Only these of the harness's variables reach a service unless its config passes more: a
// service must not inherit secrets the harness happens to hold.
const inherited = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'SYSTEMROOT'];

/** The inherited basics (unless `basics` says otherwise) plus the variables a config passes through. */
export function baseEnv(processEnv: NodeJS.ProcessEnv, basics: readonly string[] = inherited, pass: string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [...basics, ...pass]) {
    const value = processEnv[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
