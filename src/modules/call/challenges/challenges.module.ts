import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../../platform/attachments/attachments.module';
import { OrganizationsModule } from '../../platform/organizations/organizations.module';
import { ProgramsModule } from '../programs/programs.module';
import { TaxonomyModule } from '../../platform/taxonomy/taxonomy.module';
import { ChallengeAccessService } from './challenge-access.service';
import { ChallengeDeadlines } from './challenges.deadlines';
import { ChallengesController } from './challenges.controller';
import { ChallengesRepository } from './challenges.repository';
import { ChallengeAmendmentsService } from './challenge-amendments.service';
import { ChallengeAuthoringService } from './challenge-authoring.service';
import { ChallengeContent } from './challenge-content';
import { ChallengeLifecycle } from './challenge-lifecycle.service';
import { ChallengeOutbox } from './challenge-outbox';
import { ChallengeQueriesService } from './challenge-queries.service';
import { ChallengeSchedule } from './challenge-schedule';
import { ChallengeVettingService } from './challenge-vetting.service';

/**
 * Challenges (榜单): drafting, vetting, publishing, amendments, the confidential part. The API
 * serves the controller; the worker runs ChallengeDeadlines (opening and closing on time).
 * ChallengeLifecycle is how other modules (review, selection) move a challenge's status;
 * ChallengeAuthoringService.createForNeed is how a need (transfer/needs) becomes a draft.
 */
@Module({
  imports: [ProgramsModule, TaxonomyModule, AttachmentsModule, OrganizationsModule],
  controllers: [ChallengesController],
  providers: [
    ChallengeQueriesService,
    ChallengeAuthoringService,
    ChallengeVettingService,
    ChallengeAmendmentsService,
    ChallengeAccessService,
    ChallengeLifecycle,
    ChallengeContent,
    ChallengeSchedule,
    ChallengeOutbox,
    ChallengesRepository,
    ChallengeDeadlines,
  ],
  exports: [ChallengesRepository, ChallengeLifecycle, ChallengeQueriesService, ChallengeAuthoringService],
})
export class ChallengesModule {}
