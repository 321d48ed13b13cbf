import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../../platform/attachments/attachments.module';
import { ProgramsModule } from '../programs/programs.module';
import { TaxonomyModule } from '../../platform/taxonomy/taxonomy.module';
import { ChallengeAccessService } from './challenge-access.service';
import { ChallengeDeadlines } from './challenges.deadlines';
import { ChallengesController } from './challenges.controller';
import { ChallengesRepository } from './challenges.repository';
import { ChallengesService } from './challenges.service';

/**
 * Challenge lists (榜单): drafting, vetting, publishing, amendments, the confidential part. The API
 * serves the controller; the worker runs ChallengeDeadlines (opening and closing on time).
 */
@Module({
  imports: [ProgramsModule, TaxonomyModule, AttachmentsModule],
  controllers: [ChallengesController],
  providers: [ChallengesService, ChallengeAccessService, ChallengesRepository, ChallengeDeadlines],
  exports: [ChallengesService, ChallengesRepository],
})
export class ChallengesModule {}
