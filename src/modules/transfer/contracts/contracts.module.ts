import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../../platform/attachments/attachments.module';
import { TaxonomyModule } from '../../platform/taxonomy/taxonomy.module';
import { ContractRecorder } from './contract-events';
import { ContractFilingService } from './contract-filing.service';
import { ContractQueriesService } from './contract-queries.service';
import { ContractRegistrationService } from './contract-registration.service';
import {
  ContractsController,
  PublicContractsController,
  ResultTransfersController,
} from './contracts.controller';
import { ContractsRepository } from './contracts.repository';

/**
 * Technology contract records (技术合同登记, docs/adr/0061): parties file them, registrars register
 * them with `JS-<region>-<year>-<seq>` or return them; registered ones are public (without
 * confidential parties or any person) and counted; a published result's transfers are listed at
 * GET /results/{id}/transfers. `ContractsRepository` is what the open-data feed reads a registered
 * contract with (ADR 0062).
 */
@Module({
  imports: [TaxonomyModule, AttachmentsModule],
  controllers: [PublicContractsController, ResultTransfersController, ContractsController],
  providers: [
    ContractsRepository,
    ContractRecorder,
    ContractFilingService,
    ContractRegistrationService,
    ContractQueriesService,
  ],
  exports: [ContractQueriesService, ContractsRepository],
})
export class ContractsModule {}
