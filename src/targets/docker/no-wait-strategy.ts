import type { WaitStrategy } from 'testcontainers';

/**
 * testcontainers waits for listening ports by default, with shell commands run inside the
 * container; the pipeline images have no shell. The drill measures start and health as separate
 * steps, so start() returns once the engine has started the container and the harness polls HTTP.
 */
export class NoWaitStrategy implements WaitStrategy {
  private timeoutMs = 0;

  async waitUntilReady(): Promise<void> {}

  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutMs > 0;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}
