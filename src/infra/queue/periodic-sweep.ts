import { Logger } from '@nestjs/common';

/**
 * Runs a sweep every `intervalMs`, never two at once: a tick that finds the previous sweep still
 * running is skipped (a sweep stuck on a dead Redis does not pile up behind itself). `stop()` waits
 * for the running sweep. The timer is unref'd: it never keeps the process alive.
 */
export class PeriodicSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly sweep: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
  }

  /** One sweep now, unless one is already running (then that one is awaited). */
  runOnce(): Promise<void> {
    this.running ??= this.sweep()
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn({ err: error }, `${this.name} failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
