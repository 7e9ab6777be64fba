/** Where a command prints: stdout and stderr by default, a capture in unit tests. */
export interface CommandIo {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

export const processIo: CommandIo = { out: process.stdout, err: process.stderr };
