/**
 * The one place a remote command line is made. SSH runs a command as one string through the remote
 * user's shell, so every argument is POSIX-single-quoted: inside '…' nothing is special, and a single
 * quote is written as '\'' (close, escaped quote, reopen). No argument is ever left bare.
 */
export function shellQuote(argument: string): string {
  if (argument.includes('\0')) throw new Error('a remote command argument cannot contain a NUL byte');
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** A fixed argument list as the command line sent over SSH. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('an empty remote command');
  return argv.map(shellQuote).join(' ');
}
