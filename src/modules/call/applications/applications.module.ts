import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../../platform/attachments/attachments.module';
import { ChallengesModule } from '../challenges/challenges.module';
import { OrganizationsModule } from '../../platform/organizations/organizations.module';
import { IntegrityRecordsModule } from '../../platform/integrity-records/integrity-records.module';
import { ProgramsModule } from '../programs/programs.module';
import { TeamsModule } from '../teams/teams.module';
import { ApplicationsController, ChallengeApplicationsController } from './applications.controller';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationChecks } from './application-checks';
import { ApplicationLifecycle } from './application-lifecycle.service';
import { ApplicationOutbox } from './application-outbox';
import { ApplicationQueriesService } from './application-queries.service';
import { ApplicationSubmissionService } from './application-submission.service';
import { ApplicationsService } from './applications.service';
import { FormalCheckService } from './formal-check.service';

/**
 * Applications (揭榜): drafting, the pledge, submission before closesAt, withdrawal, the formal check.
 * ApplicationLifecycle is how other modules (review, selection) move an application's status.
 */
@Module({
  imports: [
    ChallengesModule,
    ProgramsModule,
    TeamsModule,
    AttachmentsModule,
    IntegrityRecordsModule,
    OrganizationsModule,
  ],
  controllers: [ChallengeApplicationsController, ApplicationsController],
  providers: [
    ApplicationsService,
    ApplicationSubmissionService,
    FormalCheckService,
    ApplicationQueriesService,
    ApplicationChecks,
    ApplicationLifecycle,
    ApplicationOutbox,
    ApplicationsRepository,
  ],
  exports: [ApplicationsService, ApplicationsRepository, ApplicationLifecycle],
})
export class ApplicationsModule {}
