import { Injectable, Logger } from '@nestjs/common';

/**
 * How a process spends SHUTDOWN_GRACE_MS (docs/adr/0036): most of it draining (in-flight requests,
 * running jobs), the rest closing connections (Nest hooks, PostgreSQL, Redis). At the end of the
 * grace the process exits, whatever still hangs.
 */
export interface ShutdownBudget {
  /** Draining ends this long after the signal: then sockets are closed and jobs released by force. */
  drainMs: number;
  /** Closing connections gets the rest; Redis clients still closing halfway through are disconnected. */
  closeMs: number;
}

export function shutdownBudget(graceMs: number): ShutdownBudget {
  const closeMs = Math.min(3_000, Math.floor(graceMs / 4));
  return { drainMs: graceMs - closeMs, closeMs };
}

/** Waits for `promise` at most `ms`; true when it settled (resolved or rejected) in time. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the process is shutting down: readiness answers 503 from the first moment of a drain. */
@Injectable()
export class ShutdownState {
  private drainingSince: Date | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  /** Date.now() when the drain began, if it has. */
  get since(): number | null {
    return this.drainingSince?.getTime() ?? null;
  }

  beginDraining(at = Date.now()): void {
    this.drainingSince ??= new Date(at);
  }
}

export interface ShutdownContext {
  signal: NodeJS.Signals;
  /** Date.now() at the signal. */
  startedAt: number;
  budget: ShutdownBudget;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits: 0 when it finished, 1 when it failed. A
 * watchdog exits with 1 at `graceMs` if `stop` still has not returned, so nothing (a hung Redis
 * quit, a request that never ends) keeps the process past its grace. A second signal is logged
 * and otherwise ignored; SIGKILL remains the operator's last word.
 */
export function exitOnShutdownSignal(
  graceMs: number,
  stop: (context: ShutdownContext) => Promise<void>,
): void {
  const logger = new Logger('Shutdown');
  let context: ShutdownContext | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (context) {
      logger.warn(`${signal} again: still shutting down (at most ${graceMs} ms after the first signal)`);
      return;
    }
    context = { signal, startedAt: Date.now(), budget: shutdownBudget(graceMs) };
    logger.log(`${signal} received: shutting down within ${graceMs} ms`);
    const watchdog = setTimeout(() => {
      logger.error(`Shutdown did not finish within SHUTDOWN_GRACE_MS (${graceMs} ms): exiting now`);
      process.exit(1);
    }, graceMs);
    stop(context).then(
      () => {
        clearTimeout(watchdog);
        logger.log(`Shut down in ${Date.now() - (context?.startedAt ?? 0)} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        clearTimeout(watchdog);
        logger.error(
          { err: error },
          `Shutdown failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
