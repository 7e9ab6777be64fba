import { errorMessage } from '../errors.ts';

export interface CleanupRecord {
  label: string;
  status: 'passed' | 'error';
  error?: string;
  durationMs: number;
}

/**
 * Cleanup is queued as resources are acquired and runs in reverse order, always: after success,
 * failure, exception or interrupt. One failing cleanup never stops the others.
 */
export class CleanupStack {
  private readonly entries: Array<{ label: string; fn: () => Promise<unknown> | unknown }> = [];

  defer(label: string, fn: () => Promise<unknown> | unknown): void {
    this.entries.push({ label, fn });
  }

  async runAll(): Promise<CleanupRecord[]> {
    const records: CleanupRecord[] = [];
    while (this.entries.length > 0) {
      const { label, fn } = this.entries.pop()!;
      const started = Date.now();
      try {
        await fn();
        records.push({ label, status: 'passed', durationMs: Date.now() - started });
      } catch (error) {
        records.push({ label, status: 'error', error: errorMessage(error), durationMs: Date.now() - started });
      }
    }
    return records;
  }
}
