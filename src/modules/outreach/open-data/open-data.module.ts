import { Module } from '@nestjs/common';
import { OpenDataController } from './open-data.controller';
import { OpenDataRepository } from './open-data.repository';
import { OpenDataService } from './open-data.service';

/**
 * Open data (GET /open-data/ocds, ADR 0032): the OCDS export of the public lifecycle, paged by
 * open_data_changes (kept by database triggers, so no module has to remember to touch it).
 */
@Module({
  controllers: [OpenDataController],
  providers: [OpenDataRepository, OpenDataService],
})
export class OpenDataModule {}
