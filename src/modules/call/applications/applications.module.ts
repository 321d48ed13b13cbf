import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../../platform/attachments/attachments.module';
import { ChallengesModule } from '../challenges/challenges.module';
import { IntegrityRecordsModule } from '../../platform/integrity-records/integrity-records.module';
import { ProgramsModule } from '../programs/programs.module';
import { TeamsModule } from '../teams/teams.module';
import { ApplicationsController, ChallengeApplicationsController } from './applications.controller';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationsService } from './applications.service';

/** Bids (揭榜): drafting, the pledge, submission before closesAt, withdrawal, the formal check. */
@Module({
  imports: [ChallengesModule, ProgramsModule, TeamsModule, AttachmentsModule, IntegrityRecordsModule],
  controllers: [ChallengeApplicationsController, ApplicationsController],
  providers: [ApplicationsService, ApplicationsRepository],
  exports: [ApplicationsService, ApplicationsRepository],
})
export class ApplicationsModule {}
