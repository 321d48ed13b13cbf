import { ModuleMetadata } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { Clock } from '../../src/infra/clock/clock';
import { WorkerModule } from '../../src/worker.module';
import { TestEnvironment } from './test-app';

export interface TestWorker {
  module: TestingModule;
  get<T>(token: abstract new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/**
 * A worker process in-process: WorkerModule (relay, processors, reconciler) on the environment's
 * database and Redis prefix, with the given clock. `extra` adds test-only modules (e.g. handlers).
 */
export async function startTestWorker(
  environment: TestEnvironment,
  clock: Clock,
  extra: Pick<ModuleMetadata, 'imports' | 'providers'> = {},
): Promise<TestWorker> {
  const module = await Test.createTestingModule({
    imports: [WorkerModule.forRoot(environment.config), ...(extra.imports ?? [])],
    providers: extra.providers ?? [],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  module.useLogger(module.get(Logger));
  await module.init();
  return {
    module,
    get: <T>(token: abstract new (...args: never[]) => T) => module.get<unknown, T>(token, { strict: false }),
    close: () => module.close(),
  };
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs`. No fixed sleeps. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  { timeoutMs = 60_000, intervalMs = 20, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
