import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsRefresher } from './stats-refresher';
import { StatsSnapshots } from './stats-snapshots';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/**
 * Public statistics (GET /stats/overview, ADR 0032 and ADR 0054): answered from the stored
 * figures (`stats_snapshots`), which a reader refreshes when they are past the bound.
 */
@Module({
  controllers: [StatsController],
  providers: [StatsRepository, StatsSnapshots, StatsService],
})
export class StatsModule {}

/** The worker side: refreshes the stored figures ahead of the bound. */
@Module({
  providers: [StatsRepository, StatsSnapshots, StatsRefresher],
})
export class StatsWorkerModule {}
