import { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';

/**
 * The HTTP platform under Nest, in one place: main.ts, the OpenAPI CLI, the e2e tests and the
 * bench all create their application with it, so the platform is chosen once.
 */
export function createHttpAdapter(): AbstractHttpAdapter {
  return new ExpressAdapter();
}
