import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsRefresher } from './stats-refresher';
import { StatsSnapshots } from './stats-snapshots';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';
import { TransferStatsController } from './transfer-stats.controller';
import { TransferStatsRepository } from './transfer-stats.repository';
import { TransferStatsService } from './transfer-stats.service';

/**
 * Public statistics (GET /stats/overview, ADR 0032 and ADR 0054): answered from the stored
 * figures (`stats_snapshots`), which a reader refreshes when they are past the bound; the transfer
 * figures (GET /stats/transfer, ADR 0062), live.
 */
@Module({
  controllers: [StatsController, TransferStatsController],
  providers: [StatsRepository, StatsSnapshots, StatsService, TransferStatsRepository, TransferStatsService],
})
export class StatsModule {}

/** The worker side: refreshes the stored figures ahead of the bound. */
@Module({
  providers: [StatsRepository, StatsSnapshots, StatsRefresher],
})
export class StatsWorkerModule {}
