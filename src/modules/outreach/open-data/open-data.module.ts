import { Module } from '@nestjs/common';
import { ContractsModule } from '../../transfer/contracts/contracts.module';
import { NeedsModule } from '../../transfer/needs/needs.module';
import { ResultsModule } from '../../transfer/results/results.module';
import { OpenDataController } from './open-data.controller';
import { OpenDataRepository } from './open-data.repository';
import { OpenDataService } from './open-data.service';
import { TransferFeedController } from './transfer-feed.controller';
import { TransferFeedRepository } from './transfer-feed.repository';
import { TransferFeedService } from './transfer-feed.service';

/**
 * Open data (GET /open-data/ocds, ADR 0032): the OCDS export of the public lifecycle, paged by
 * open_data_changes (kept by database triggers, so no module has to remember to touch it); and the
 * JSON feeds of the transfer loop (GET /open-data/needs, /results, /contracts, ADR 0062).
 */
@Module({
  imports: [NeedsModule, ResultsModule, ContractsModule],
  controllers: [OpenDataController, TransferFeedController],
  providers: [OpenDataRepository, OpenDataService, TransferFeedRepository, TransferFeedService],
})
export class OpenDataModule {}
