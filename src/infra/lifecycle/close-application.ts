import { INestApplicationContext, Logger } from '@nestjs/common';
import { JobQueue } from '../queue/job-queue.service';
import type { BullConnection } from '../queue/queue.connection';
import type { RedisClient } from '../redis/redis-client';
import { BULL_CONNECTION, isClient, REDIS } from '../redis/redis.module';
import { stopTracing } from '../tracing/otel';
import { settleWithin } from './shutdown';

/**
 * `app.close()` (every module's destroy and shutdown hooks), and the export of the last spans when
 * tracing is on, until `deadline`. Redis clients that are still closing halfway there are
 * disconnected, which ends any QUIT stuck in an offline queue (Redis unreachable), so the close can
 * finish; throws when it still has not.
 */
export async function closeApplication(
  app: INestApplicationContext,
  deadline: number,
  logger: Logger,
): Promise<void> {
  // The spans of the last requests and jobs are exported as the rest closes (docs/adr/0064).
  const closing = Promise.all([app.close(), stopTracing().catch(() => undefined)]).then(() => undefined);
  const halfway = (deadline - Date.now()) / 2;
  if (await settleWithin(closing, halfway)) return closing;
  logger.warn('Still closing connections: disconnecting the Redis clients by force');
  app.get(JobQueue, { strict: false }).disconnect();
  app.get<RedisClient>(REDIS, { strict: false }).disconnect();
  const bull = app.get<BullConnection>(BULL_CONNECTION, { strict: false });
  if (isClient(bull)) bull.disconnect();
  if (await settleWithin(closing, deadline - Date.now())) return closing;
  throw new Error('Closing the application did not finish in time');
}
