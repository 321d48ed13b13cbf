import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JobQueue } from './job-queue.service';
import { BULL_CONNECTION } from '../redis/redis.module';
import { BullConnection, bullPrefix } from './queue.connection';
import { QueueName } from './queue.constants';

/**
 * The BullMQ queues, for enqueueing (both processes). Consuming is the worker's JobWorkersModule:
 * the API process imports this module only.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG, BULL_CONNECTION],
      useFactory: (config: AppConfig, connection: BullConnection) => ({
        prefix: bullPrefix(config),
        connection,
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  providers: [JobQueue],
  exports: [BullModule, JobQueue],
})
export class QueueModule {}
