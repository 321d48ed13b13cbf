import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ProblemFilter } from './common/errors/problem.filter';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/config';

/** The HTTP API process: every controller module, the global filter, guards and rate limits. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [CoreModule.forRoot(config)],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
