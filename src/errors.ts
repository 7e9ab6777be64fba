/**
 * Thrown for problems of the harness or its configuration (bad config, no Postgres, a missing
 * binary). The CLI maps it to exit code 3 so that "the harness failed" never looks like "the
 * rollback failed" (exit 1).
 */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
