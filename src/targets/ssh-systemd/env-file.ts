/**
 * A systemd EnvironmentFile: one KEY="value" per line. Inside double quotes systemd unescapes \\, \" and
 * \$, and expands nothing; values with a newline or NUL cannot be written and are refused, naming the key.
 */
export function renderEnvFile(env: Record<string, string>, header: string): string {
  const lines = [`# ${header.replaceAll('\n', ' ')}`];
  for (const [key, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`environment variable name '${key}' cannot be written to a systemd EnvironmentFile`);
    if (/[\n\r\0]/.test(value)) throw new Error(`the value of ${key} contains a line break or NUL, which a systemd EnvironmentFile cannot hold`);
    lines.push(`${key}="${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`);
  }
  return `${lines.join('\n')}\n`;
}
