import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EntryPointController } from './entry-point.controller';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false })],
  controllers: [HealthController, EntryPointController],
  providers: [RedisHealthIndicator],
})
export class HealthModule {}
