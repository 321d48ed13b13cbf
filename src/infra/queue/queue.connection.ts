import type { ConnectionOptions } from 'bullmq';
import { AppConfig } from '../config/config';

/** The longest wait between two reconnection attempts to Redis. */
export const RECONNECT_MAX_DELAY_MS = 2_000;

/**
 * Waits before the n-th reconnection attempt: 200 ms more each time, at most 2 s. (BullMQ's own
 * strategy grows to 20 s, which would leave the queues idle up to 20 s after Redis is back.)
 */
export function reconnectDelay(times: number): number {
  return Math.min(times * 200, RECONNECT_MAX_DELAY_MS);
}

/**
 * BullMQ's own connection: no ioredis `keyPrefix` (BullMQ forbids it; it prefixes keys itself),
 * `maxRetriesPerRequest: null`, which its blocking worker connections require, and reconnection
 * attempts at most RECONNECT_MAX_DELAY_MS apart (docs/adr/0037).
 */
export function bullConnection(config: Pick<AppConfig, 'REDIS_URL'>): ConnectionOptions {
  return { url: config.REDIS_URL, maxRetriesPerRequest: null, retryStrategy: reconnectDelay };
}

/** Every BullMQ key of this deployment starts with it, beside the REDIS_PREFIX keys of the app client. */
export function bullPrefix(config: Pick<AppConfig, 'REDIS_PREFIX'>): string {
  return `${config.REDIS_PREFIX}:bull`;
}
