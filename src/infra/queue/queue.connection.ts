import type { ConnectionOptions } from 'bullmq';
import { AppConfig } from '../config/config';

/**
 * BullMQ's own connection: no ioredis `keyPrefix` (BullMQ forbids it; it prefixes keys itself) and
 * `maxRetriesPerRequest: null`, which its blocking worker connections require.
 */
export function bullConnection(config: Pick<AppConfig, 'REDIS_URL'>): ConnectionOptions {
  return { url: config.REDIS_URL, maxRetriesPerRequest: null };
}

/** Every BullMQ key of this deployment starts with it, beside the REDIS_PREFIX keys of the app client. */
export function bullPrefix(config: Pick<AppConfig, 'REDIS_PREFIX'>): string {
  return `${config.REDIS_PREFIX}:bull`;
}
