import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/config';

/** The worker process: BullMQ processors, the outbox relay and the deadline handlers; no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config)],
    };
  }
}
